package dev.timefan.processes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timefan.fanout.Capacity;
import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.Zone;
import dev.timefan.upstream.UpstreamBreaker;
import dev.timefan.upstream.UpstreamProbe;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fans a batch out over the worker processes in chunks, one per live worker, so IPC is
 * paid per chunk. While no worker is ready a chunk waits for the next one's hello; a
 * chunk whose worker dies goes to the next ready worker, up to {@value #MAX_TRIES} tries;
 * a chunk not answered by the deadline is 504 and its worker is killed; only when no
 * worker can be started at all are its items 503. An upstream chunk carries the
 * permissions the upstream's circuit breaker granted its items' first calls: none while
 * it is open, so the worker answers them at once from the local tz database.
 */
@Component
@Order(3)
class ProcessPoolEngine implements FanoutEngine {

	static final String STRATEGY = "processes";

	/**
	 * The tries a chunk gets: a chunk that killed this many workers in a row fails rather
	 * than take the pool down with it.
	 */
	static final int MAX_TRIES = 4;

	private static final Log log = LogFactory.getLog(ProcessPoolEngine.class);

	/** Where a chunk's next try starts: a virtual thread each. */
	private static final Executor RETRIES = (task) -> Thread.ofVirtual().name("timefan-chunk-retry").start(task);

	private final WorkerPool pool;

	private final Clock clock;

	private final UpstreamProbe upstreamProbe;

	private final UpstreamBreaker breaker;

	private final Capacity capacity;

	ProcessPoolEngine(WorkerPool pool, Clock clock, UpstreamProbe upstreamProbe, UpstreamBreaker breaker,
			ProcessesProperties properties) {
		this.pool = pool;
		this.clock = clock;
		this.upstreamProbe = upstreamProbe;
		this.breaker = breaker;
		this.capacity = properties.capacity();
	}

	@Override
	public String strategy() {
		return STRATEGY;
	}

	@Override
	public Capacity capacity() {
		return this.capacity;
	}

	@Override
	public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
		if (job.source() == Source.UPSTREAM) {
			// The workers call the upstream: the service's health probe is told, and new
			// workers start with their upstream client made.
			this.upstreamProbe.inUse();
			this.pool.upstreamInUse();
		}
		List<String> names = job.zones().stream().map(Zone::name).toList();
		// Workers answer for the instant asked (?at=), else for that of this service's
		// clock, so every strategy answers alike.
		Instant at = (job.at() != null) ? job.at() : this.clock.instant();
		int chunks = Math.max(1, Math.min(names.size(), this.pool.alive()));
		int size = (names.size() + chunks - 1) / chunks;
		List<CompletableFuture<List<Outcome>>> parts = new ArrayList<>(chunks);
		for (int from = 0; from < names.size(); from += size) {
			parts.add(attempt(names.subList(from, Math.min(names.size(), from + size)), at, job, 1));
		}
		return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			List<Outcome> outcomes = new ArrayList<>(names.size());
			parts.forEach((part) -> outcomes.addAll(part.join()));
			return outcomes;
		});
	}

	/**
	 * One try of a chunk, the {@code tries}-th: on the least-loaded ready worker, or on
	 * the next one to be ready when none is. A chunk whose worker dies goes to whichever
	 * worker is ready first, until the deadline.
	 */
	private CompletableFuture<List<Outcome>> attempt(List<String> chunk, Instant at, FanoutJob job, int tries) {
		long start = System.nanoTime();
		long remaining = Math.max(0, job.deadline().remainingNanos());
		UpstreamBreaker.Permits permits = (job.source() == Source.UPSTREAM) ? this.breaker.permits(chunk.size()) : null;
		WorkerPool.Dispatch dispatch = this.pool.dispatch(chunk, job.source(), at,
				Duration.ofNanos(remaining - margin(remaining)), job.clientIp(), permits);
		if (dispatch == null) {
			if (permits != null) {
				permits.close();
			}
			return this.pool.nextReady()
				.orTimeout(remaining, TimeUnit.NANOSECONDS)
				.handleAsync(
						(ready, ex) -> (ex == null) ? attempt(chunk, at, job, tries)
								: CompletableFuture.completedFuture(all(chunk, failure(unwrap(ex), job, start))),
						RETRIES)
				.thenCompose((next) -> next);
		}
		// Retries run on a thread of their own, never on the one that completed the
		// answer: the process reaper, a worker's reader, the JDK's timeout scheduler.
		return dispatch.answer().orTimeout(remaining, TimeUnit.NANOSECONDS).handleAsync((outcomes, ex) -> {
			if (ex == null) {
				return CompletableFuture.completedFuture(batchDeadline(outcomes, job));
			}
			Throwable cause = unwrap(ex);
			if (cause instanceof TimeoutException) {
				this.pool.killHung(dispatch.worker());
			}
			else if (cause instanceof WorkerDiedException) {
				if (tries < MAX_TRIES) {
					return attempt(chunk, at, job, tries + 1);
				}
				log.warn("A chunk of " + chunk.size() + " zones failed: its worker process died " + tries
						+ " times in a row (" + cause.getMessage() + ")");
			}
			return CompletableFuture.completedFuture(all(chunk, failure(cause, job, start)));
		}, RETRIES).thenCompose((next) -> next);
	}

	private static Outcome failure(Throwable cause, FanoutJob job, long start) {
		long nanos = System.nanoTime() - start;
		return switch (cause) {
			case TimeoutException timeout -> Outcome.timedOut(job.deadline(), nanos);
			case NoWorkerException noWorker -> Outcome.failed(503, "no worker process could be started", nanos);
			case WorkerDiedException died ->
				Outcome.failed(503, "worker processes kept dying on this item's chunk; retry later", nanos);
			default -> job.failed(cause, nanos);
		};
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	/**
	 * How much earlier than the batch deadline a worker must answer, so that its own 504s
	 * arrive before this side gives up on it and kills it: a twentieth, at most 100 ms.
	 */
	private static long margin(long remainingNanos) {
		return Math.min(remainingNanos / 20, TimeUnit.MILLISECONDS.toNanos(100));
	}

	/**
	 * A worker's 504s name the share of the deadline it was given; the item missed the
	 * batch's.
	 */
	private static List<Outcome> batchDeadline(List<Outcome> outcomes, FanoutJob job) {
		return outcomes.stream()
			.map((outcome) -> (outcome.status() == 504) ? Outcome.timedOut(job.deadline(), outcome.nanos()) : outcome)
			.toList();
	}

	private static List<Outcome> all(List<String> chunk, Outcome outcome) {
		return Collections.nCopies(chunk.size(), outcome);
	}

}
