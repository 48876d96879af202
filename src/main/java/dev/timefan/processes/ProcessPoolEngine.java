package dev.timefan.processes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;
import dev.timefan.time.Zone;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fans a batch out over the worker processes in chunks, one per live worker, so IPC is
 * paid per chunk. A chunk whose worker dies is re-dispatched once to another worker, then
 * 502; a chunk not answered by the deadline is 504 and its worker is killed.
 */
@Component
@Order(3)
class ProcessPoolEngine implements FanoutEngine {

	static final String STRATEGY = "processes";

	private final WorkerPool pool;

	private final Clock clock;

	ProcessPoolEngine(WorkerPool pool, Clock clock) {
		this.pool = pool;
		this.clock = clock;
	}

	@Override
	public String strategy() {
		return STRATEGY;
	}

	@Override
	public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
		List<String> names = job.zones().stream().map(Zone::name).toList();
		// Workers answer for the instant of this service's clock, so every strategy
		// answers alike.
		Instant at = this.clock.instant();
		int chunks = Math.max(1, Math.min(names.size(), this.pool.alive()));
		int size = (names.size() + chunks - 1) / chunks;
		List<CompletableFuture<List<Outcome>>> parts = new ArrayList<>(chunks);
		for (int from = 0; from < names.size(); from += size) {
			parts.add(attempt(names.subList(from, Math.min(names.size(), from + size)), at, job, null));
		}
		return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			List<Outcome> outcomes = new ArrayList<>(names.size());
			parts.forEach((part) -> outcomes.addAll(part.join()));
			return outcomes;
		});
	}

	/**
	 * One try of a chunk; {@code failed} is the worker that died under the first try, or
	 * null.
	 */
	private CompletableFuture<List<Outcome>> attempt(List<String> chunk, Instant at, FanoutJob job,
			@Nullable WorkerProcess failed) {
		long start = System.nanoTime();
		long remaining = Math.max(0, job.deadline().remainingNanos());
		WorkerPool.Dispatch dispatch = this.pool.dispatch(chunk, job.source(), at,
				Duration.ofNanos(remaining - margin(remaining)), job.clientIp(), failed);
		if (dispatch == null) {
			return CompletableFuture.completedFuture(all(chunk, Outcome.failed(502, "no worker process is alive", 0)));
		}
		return dispatch.answer().orTimeout(remaining, TimeUnit.NANOSECONDS).handle((outcomes, ex) -> {
			if (ex == null) {
				return CompletableFuture.completedFuture(batchDeadline(outcomes, job));
			}
			Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
			if (cause instanceof TimeoutException) {
				this.pool.killHung(dispatch.worker());
				return CompletableFuture
					.completedFuture(all(chunk, Outcome.timedOut(job.deadline(), System.nanoTime() - start)));
			}
			if (failed == null) {
				return attempt(chunk, at, job, dispatch.worker());
			}
			String reason = (cause != null) ? cause.getMessage() : "unknown";
			return CompletableFuture.completedFuture(
					all(chunk, Outcome.failed(502, "worker failed twice: " + reason, System.nanoTime() - start)));
		}).thenCompose((next) -> next);
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
