package dev.timefan.processes;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.upstream.UpstreamBreaker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The parent's handle on one worker process: it sends lookups, matches results to them by
 * request id, records the upstream calls the worker reports in the service's circuit
 * breaker (against the permissions of their request while it is in flight), tells the
 * worker the breaker's state, pumps the worker's stderr into the log under the worker's
 * id, and notices the worker's end (exit, broken or corrupted stream), failing whatever
 * it still had in flight.
 */
final class WorkerProcess {

	private static final Log log = LogFactory.getLog(WorkerProcess.class);

	/** The start of a worker's log event (worker-logback.xml). */
	private static final Pattern EVENT = Pattern.compile("(ERROR|WARN|INFO|DEBUG|TRACE) ");

	enum State {

		STARTING, READY, RETIRING, DEAD

	}

	private final int id;

	private final Process process;

	private final OutputStream stdin;

	private final Map<Long, CompletableFuture<List<Outcome>>> pending = new ConcurrentHashMap<>();

	/** The breaker's permissions of the upstream requests in flight. */
	private final Map<Long, UpstreamBreaker.Permits> permits = new ConcurrentHashMap<>();

	private final AtomicLong nextRequest = new AtomicLong();

	private final AtomicInteger inflightItems = new AtomicInteger();

	private final AtomicLong served = new AtomicLong();

	private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

	private final CompletableFuture<WorkerProtocol.Hello> hello = new CompletableFuture<>();

	private final DeathListener onDeath;

	/** Told of the upstream retries each result reports. */
	private final IntConsumer onRetries;

	/** Records the calls reported after their request ended. */
	private final UpstreamBreaker breaker;

	private volatile String endReason = "running";

	WorkerProcess(int id, Process process, DeathListener onDeath, IntConsumer onRetries, UpstreamBreaker breaker) {
		this.id = id;
		this.process = process;
		this.stdin = process.getOutputStream();
		this.onDeath = onDeath;
		this.onRetries = onRetries;
		this.breaker = breaker;
		Thread.ofPlatform().daemon().name("timefan-worker-" + id + "-reader").start(this::read);
		Thread.ofPlatform().daemon().name("timefan-worker-" + id + "-stderr").start(this::pumpStderr);
		process.onExit().thenRun(() -> died("exited with code " + process.exitValue()));
	}

	/**
	 * Waits for the worker's hello.
	 * @param timeout how long a spawn may take
	 * @return the hello
	 * @throws IOException when the worker did not say hello in time or died first
	 */
	WorkerProtocol.Hello awaitHello(Duration timeout) throws IOException {
		try {
			WorkerProtocol.Hello said = this.hello.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			this.state.compareAndSet(State.STARTING, State.READY);
			return said;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted waiting for worker " + this.id, ex);
		}
		catch (TimeoutException ex) {
			throw new IOException("worker " + this.id + " did not say hello within " + timeout.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			throw new IOException("worker " + this.id + " died before its hello: " + ex.getCause().getMessage());
		}
	}

	/**
	 * Sends one chunk of zones.
	 * @param zones catalog names
	 * @param source the source
	 * @param at the instant to answer for
	 * @param timeout the time the worker has
	 * @param clientIp the caller's address
	 * @param permits for an upstream chunk, the items whose first call the breaker
	 * permitted; closed once the request ends, however it ends
	 * @return the outcomes in order; completes exceptionally with
	 * {@link WorkerDiedException} when the worker ends first
	 */
	CompletableFuture<List<Outcome>> send(List<String> zones, Source source, Instant at, Duration timeout,
			String clientIp, UpstreamBreaker.@Nullable Permits permits) {
		long request = this.nextRequest.incrementAndGet();
		CompletableFuture<List<Outcome>> answer = new CompletableFuture<>();
		this.pending.put(request, answer);
		if (permits != null) {
			this.permits.put(request, permits);
		}
		this.inflightItems.addAndGet(zones.size());
		this.served.incrementAndGet();
		answer.whenComplete((outcomes, ex) -> {
			this.pending.remove(request);
			if (permits != null) {
				this.permits.remove(request);
				permits.close();
			}
			this.inflightItems.addAndGet(-zones.size());
		});
		if (this.state.get() == State.DEAD) {
			answer.completeExceptionally(new WorkerDiedException(this.id, this.endReason));
			return answer;
		}
		try {
			WorkerProtocol.write(this.stdin, WorkerProtocol.lookup(new WorkerProtocol.Lookup(request, source, at,
					timeout.toNanos(), clientIp, zones, (permits != null) ? permits.permitted() : new BitSet())));
		}
		catch (IOException ex) {
			answer.completeExceptionally(new WorkerDiedException(this.id, "its stdin broke: " + ex.getMessage()));
			kill("stdin broke");
		}
		return answer;
	}

	/**
	 * Tells the worker the state of the service's upstream circuit breaker. A worker
	 * whose stdin broke is ending: its reader notices.
	 * @param state the state
	 */
	void tell(UpstreamBreaker.State state) {
		if (this.state.get() == State.DEAD) {
			return;
		}
		try {
			WorkerProtocol.write(this.stdin, WorkerProtocol.breaker(new WorkerProtocol.Breaker(state)));
		}
		catch (IOException ex) {
			log.debug("Could not tell worker " + this.id + " the breaker's state: " + ex.getMessage());
		}
	}

	private void record(WorkerProtocol.Calls calls) {
		for (WorkerProtocol.Call call : calls.calls()) {
			UpstreamBreaker.Permits granted = this.permits.get(call.request());
			if (granted != null) {
				granted.record(call.nanos(), call.verdict(), call.first());
			}
			else {
				this.breaker.recordWithoutPermission(call.nanos(), call.verdict());
			}
		}
	}

	private void read() {
		try (DataInputStream in = new DataInputStream(
				new BufferedInputStream(this.process.getInputStream(), 1 << 16))) {
			byte[] payload;
			while ((payload = WorkerProtocol.readFrame(in)) != null) {
				switch (WorkerProtocol.decode(payload)) {
					case WorkerProtocol.Hello said -> this.hello.complete(said);
					case WorkerProtocol.Calls calls -> record(calls);
					case WorkerProtocol.Result result -> {
						if (result.retries() > 0) {
							this.onRetries.accept(result.retries());
						}
						CompletableFuture<List<Outcome>> answer = this.pending.get(result.id());
						if (answer != null) {
							answer.complete(result.outcomes());
						}
					}
					default -> throw new IOException("corrupted stream: a worker sent a frame only a parent sends");
				}
			}
			died("closed its stdout");
		}
		catch (IOException ex) {
			// A corrupted frame counts as a crash: the stream cannot be trusted past it.
			kill(ex.getMessage());
		}
	}

	private void pumpStderr() {
		Log workerLog = LogFactory.getLog("dev.timefan.processes.worker-" + this.id);
		try (BufferedReader err = new BufferedReader(
				new InputStreamReader(this.process.getErrorStream(), StandardCharsets.UTF_8))) {
			String line;
			String level = "INFO";
			while ((line = err.readLine()) != null) {
				// A worker's event starts with its level; the lines of its stack trace,
				// and
				// what else it prints, follow at the level of the last event.
				Matcher event = EVENT.matcher(line);
				if (event.lookingAt()) {
					level = event.group(1);
				}
				String message = "[worker " + this.id + " pid " + this.process.pid() + "] " + line;
				switch (level) {
					case "ERROR" -> workerLog.error(message);
					case "WARN" -> workerLog.warn(message);
					default -> workerLog.info(message);
				}
			}
		}
		catch (IOException ex) {
			// The worker is gone; its exit is handled by onExit.
		}
	}

	/**
	 * Whether the process, which has ended, was killed from outside (SIGKILL: an
	 * operator, the OOM killer; SIGTERM) rather than exiting by itself or crashing.
	 * @return true when it exited with the status of one of those signals
	 */
	boolean killedFromOutside() {
		try {
			int status = this.process.onExit().get(5, TimeUnit.SECONDS).exitValue();
			return status == 128 + 9 || status == 128 + 15;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	/** Kills the worker at once; its in-flight requests fail with the reason. */
	void kill(@Nullable String reason) {
		died((reason != null) ? reason : "killed");
		this.process.destroyForcibly();
	}

	/**
	 * Retires the worker: no new work, stdin closed so it exits once its in-flight
	 * requests are answered, forcibly destroyed if it has not exited within the grace
	 * period.
	 * @param grace how long to wait
	 * @return when the process has ended
	 */
	CompletableFuture<Process> retire(Duration grace) {
		this.state.compareAndSet(State.READY, State.RETIRING);
		this.state.compareAndSet(State.STARTING, State.RETIRING);
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// Already closed: the process is ending anyway.
		}
		return this.process.onExit()
			.completeOnTimeout(this.process, grace.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((process) -> {
				if (process.isAlive()) {
					log.warn("Worker " + this.id + " did not exit within " + grace.toMillis() + " ms; destroying it");
					process.destroyForcibly();
				}
				return process;
			});
	}

	private void died(String reason) {
		State previous = this.state.getAndSet(State.DEAD);
		if (previous == State.DEAD) {
			return;
		}
		this.endReason = reason;
		this.hello.completeExceptionally(new WorkerDiedException(this.id, reason));
		WorkerDiedException death = new WorkerDiedException(this.id, reason);
		this.pending.values().forEach((answer) -> answer.completeExceptionally(death));
		if (previous != State.RETIRING) {
			log.warn("Worker " + this.id + " (pid " + this.process.pid() + ") ended: " + reason + "; "
					+ this.pending.size() + " requests were in flight");
		}
		this.onDeath.ended(this, previous == State.RETIRING);
	}

	int id() {
		return this.id;
	}

	long pid() {
		return this.process.pid();
	}

	State state() {
		return this.state.get();
	}

	boolean isReady() {
		return this.state.get() == State.READY;
	}

	int inflightItems() {
		return this.inflightItems.get();
	}

	long served() {
		return this.served.get();
	}

	/**
	 * Told once when a worker ends, with whether it ended while retiring (expected) or
	 * not (a crash).
	 */
	@FunctionalInterface
	interface DeathListener {

		void ended(WorkerProcess worker, boolean retiring);

	}

}
