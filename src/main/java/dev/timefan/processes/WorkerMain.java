package dev.timefan.processes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UTFDataFormatException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.ExecutorFanout;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.TzRelease;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import dev.timefan.upstream.UpstreamBreaker;
import dev.timefan.upstream.UpstreamLookup;
import dev.timefan.upstream.UpstreamProperties;
import org.jspecify.annotations.Nullable;

/**
 * A worker process: no Spring context, the same time core as the service. It reads lookup
 * frames on stdin and answers result frames on stdout (see {@link WorkerProtocol}), each
 * request on a virtual thread of its own. Its upstream calls obey the service's circuit
 * breaker: an item calls only with the permission its lookup carries, retries only while
 * the breaker was last said to be closed, and every call is reported back
 * ({@link WorkerGate}). It exits on stdin EOF, and when its parent process is gone.
 */
public final class WorkerMain {

	private static final String STRATEGY = ProcessPoolEngine.STRATEGY;

	/**
	 * Test-only: a zone whose lookups never answer, to prove the parent kills a hung
	 * worker.
	 */
	static final String HANG_ZONE_PROPERTY = "timefan.worker.test.hang-zone";

	/**
	 * Test-only: a zone whose lookups throw, to prove the failure boundary holds in a
	 * worker.
	 */
	static final String FAIL_ZONE_PROPERTY = "timefan.worker.test.fail-zone";

	/**
	 * Set once the service has used the upstream (from the start when it is the default
	 * source): the upstream client is made before the hello, so that no request of a new
	 * worker, a recycled one's replacement included, waits for it.
	 */
	static final String WARM_UPSTREAM_PROPERTY = "timefan.worker.warm-upstream";

	private static final String LOGGING_PROPERTY = "logback.configurationFile";

	/** How often a worker checks that its parent is still alive. */
	private static final long PARENT_POLL_MILLIS = 200;

	private final WorldClock clock;

	private final ZoneCatalog catalog;

	private final OutputStream protocol;

	private final String hangZone;

	private final String failZone;

	/** Upstream calls, a virtual thread each. */
	private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

	/** Upstream retries since the last result, reported with the next. */
	private final AtomicInteger retries = new AtomicInteger();

	private @Nullable UpstreamLookup upstream;

	/** The service's upstream circuit breaker, as last told. */
	private volatile UpstreamBreaker.State breaker = UpstreamBreaker.State.CLOSED;

	private WorkerMain(OutputStream protocol) {
		this.clock = new WorldClock(Clock.systemUTC());
		this.catalog = ZoneCatalog.load();
		this.protocol = protocol;
		this.hangZone = System.getProperty(HANG_ZONE_PROPERTY, "");
		this.failZone = System.getProperty(FAIL_ZONE_PROPERTY, "");
	}

	public static void main(String[] args) throws IOException {
		// Before anything logs: INFO and above on stderr, not Logback's default of DEBUG.
		if (System.getProperty(LOGGING_PROPERTY) == null) {
			System.setProperty(LOGGING_PROPERTY, "dev/timefan/processes/worker-logback.xml");
		}
		// stdout carries the protocol only: whatever else prints goes to stderr, logged
		// by the parent.
		OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
		System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
		watchParent();
		new WorkerMain(protocol).serve(new DataInputStream(new BufferedInputStream(System.in, 1 << 16)));
	}

	/**
	 * Halts when the parent dies, even with a request stuck. An orphan is re-parented at
	 * once, so this polls the parent pid: {@code onExit()} of a process that is not one's
	 * own child is itself polled, at intervals growing to 5 s.
	 */
	private static void watchParent() {
		long parent = parentPid();
		if (parent < 0) {
			return;
		}
		Thread.ofPlatform().daemon().name("timefan-worker-parent-watch").start(() -> {
			try {
				while (parentPid() == parent) {
					Thread.sleep(PARENT_POLL_MILLIS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			System.err.println("parent " + parent + " is gone; exiting");
			Runtime.getRuntime().halt(0);
		});
	}

	private static long parentPid() {
		return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
	}

	private void serve(DataInputStream in) throws IOException {
		if (Boolean.getBoolean(WARM_UPSTREAM_PROPERTY)) {
			upstreamLookup().prepare();
		}
		WorkerProtocol.write(this.protocol,
				WorkerProtocol.hello(ProcessHandle.current().pid(), TzRelease.detect().version()));
		// The zones' rules are read after the hello, so the pool has the worker sooner; a
		// request for a zone not read yet reads it itself.
		Thread.ofVirtual().name("timefan-worker-preload").start(this.catalog::preload);
		try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
			byte[] payload;
			while ((payload = WorkerProtocol.readFrame(in)) != null) {
				switch (WorkerProtocol.decode(payload)) {
					case WorkerProtocol.Lookup lookup -> requests.execute(() -> answer(lookup));
					case WorkerProtocol.Breaker said -> this.breaker = said.state();
					default ->
						throw new IOException("corrupted stream: a worker only takes lookups and breaker states");
				}
			}
		}
		// stdin closed: every request taken has been answered (the executor's close
		// waited).
		System.exit(0);
	}

	private void answer(WorkerProtocol.Lookup lookup) {
		long start = System.nanoTime();
		WorkerGate gate = (lookup.source() == Source.UPSTREAM)
				? new WorkerGate(lookup, () -> this.breaker == UpstreamBreaker.State.CLOSED, this::report) : null;
		List<Outcome> outcomes;
		try {
			outcomes = (gate != null) ? upstream(lookup, gate) : local(lookup);
		}
		catch (RuntimeException ex) {
			// The failure boundary, as in the service: logged here (stderr, which the
			// parent logs), answered as failed items rather than left to time out.
			outcomes = Collections.nCopies(lookup.zones().size(),
					FanoutJob.unexpected(STRATEGY, ex, System.nanoTime() - start));
		}
		if (gate != null) {
			// The request's calls reach the parent before its result.
			gate.flush();
		}
		try {
			WorkerProtocol.write(this.protocol, result(lookup, outcomes, start));
		}
		catch (IOException ex) {
			// The parent stopped reading: it is gone or replacing this worker;
			// stdin EOF or the parent watch ends the process.
			System.err.println("could not answer request " + lookup.id() + ": " + ex);
		}
	}

	/**
	 * The result frame of a request; outcomes the protocol cannot carry (a string over
	 * its limit) fail their items rather than leave them to the deadline.
	 */
	private byte[] result(WorkerProtocol.Lookup lookup, List<Outcome> outcomes, long start) throws IOException {
		int retries = this.retries.getAndSet(0);
		try {
			return WorkerProtocol.result(new WorkerProtocol.Result(lookup.id(), retries, outcomes));
		}
		catch (UTFDataFormatException ex) {
			return WorkerProtocol.result(new WorkerProtocol.Result(lookup.id(), retries, Collections
				.nCopies(lookup.zones().size(), FanoutJob.unexpected(STRATEGY, ex, System.nanoTime() - start))));
		}
	}

	/** Reports upstream calls to the parent; a parent that stopped reading is gone. */
	private void report(List<WorkerProtocol.Call> calls) {
		try {
			WorkerProtocol.write(this.protocol, WorkerProtocol.calls(new WorkerProtocol.Calls(calls)));
		}
		catch (IOException ex) {
			System.err.println("could not report " + calls.size() + " upstream calls: " + ex);
		}
	}

	/**
	 * Upstream lookups block on I/O: each zone gets a virtual thread of its own, and
	 * whatever is unanswered when the request's time is up is 504 and interrupted. Each
	 * call goes through the request's gate.
	 */
	private List<Outcome> upstream(WorkerProtocol.Lookup lookup, WorkerGate gate) {
		Outcome[] outcomes = new Outcome[lookup.zones().size()];
		List<Zone> zones = new ArrayList<>(outcomes.length);
		List<Integer> positions = new ArrayList<>(outcomes.length);
		for (int i = 0; i < outcomes.length; i++) {
			Zone zone = this.catalog.find(lookup.zones().get(i));
			if (zone == null) {
				outcomes[i] = unknown(lookup.zones().get(i), System.nanoTime());
			}
			else {
				zones.add(zone);
				positions.add(i);
			}
		}
		// The client is made in the items' threads, under the deadline:
		// a cold worker takes seconds to make it, and must still answer
		// 504 in time rather than be killed as hung.
		FanoutJob job = new FanoutJob(STRATEGY, zones, Source.UPSTREAM, lookup.clientIp(),
				Deadline.after(Duration.ofNanos(lookup.timeoutNanos())),
				(zone, clientIp, deadline) -> upstreamLookup().lookup(zone, clientIp, deadline, gate));
		List<Outcome> answered = ExecutorFanout.run(this.calls, job);
		for (int k = 0; k < answered.size(); k++) {
			outcomes[positions.get(k)] = answered.get(k);
		}
		return Arrays.asList(outcomes);
	}

	/**
	 * The upstream client: made before the hello once the service uses the upstream, else
	 * at the first upstream request (most workers never need it), within its deadline.
	 */
	private synchronized UpstreamLookup upstreamLookup() {
		if (this.upstream == null) {
			this.upstream = UpstreamLookup.standalone(UpstreamProperties.fromSystemProperties(), this.clock,
					this.retries::incrementAndGet);
		}
		return this.upstream;
	}

	private List<Outcome> local(WorkerProtocol.Lookup lookup) {
		List<Outcome> outcomes = new ArrayList<>(lookup.zones().size());
		for (String name : lookup.zones()) {
			long start = System.nanoTime();
			try {
				outcomes.add(local(name, lookup, start));
			}
			catch (RuntimeException ex) {
				// The failure boundary, as in the service: the item fails, not its chunk.
				outcomes.add(FanoutJob.unexpected(STRATEGY, ex, System.nanoTime() - start));
			}
		}
		return outcomes;
	}

	private Outcome local(String name, WorkerProtocol.Lookup lookup, long start) {
		if (name.equals(this.hangZone)) {
			hang();
		}
		if (name.equals(this.failZone)) {
			throw new IllegalStateException(FAIL_ZONE_PROPERTY + " asked for " + name);
		}
		Zone zone = this.catalog.find(name);
		return (zone != null) ? Outcome.answered(Source.LOCAL, this.clock.at(zone, lookup.at(), lookup.clientIp()),
				System.nanoTime() - start) : unknown(name, start);
	}

	/** A name the parent should never send: not in this worker's catalog. */
	private static Outcome unknown(String name, long startNanos) {
		return Outcome.failed(404, "unknown time zone '" + name + "'", System.nanoTime() - startNanos);
	}

	private static void hang() {
		try {
			new CountDownLatch(1).await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
