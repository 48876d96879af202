package dev.timefan.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.timefan.time.Zone;

/**
 * Fan-out over an {@link Executor} for the strategies that run lookups in threads.
 * <p>
 * A lookup that may wait (upstream I/O) gets one task per zone: the caller waits for each
 * outcome in order until the deadline, then every unfinished task is cancelled
 * (interrupted) and answered 504.
 * <p>
 * A lookup {@linkplain ZoneLookup#inMemory() in memory} (the local source) costs less
 * than handing it to a thread: a job too small for two slices of {@value #MIN_SLICE}
 * zones is answered in the caller's thread, and a larger one is cut into slices of
 * consecutive zones, one per core at most and {@value #MIN_SLICE} zones at least, the
 * caller answering the first and the executor the others. A slice stops at the deadline
 * or when interrupted; its zones without an outcome by then are 504.
 */
public final class ExecutorFanout {

	/**
	 * The fewest in-memory zones worth a task: waking a thread costs tens of
	 * microseconds, a local lookup about half of one.
	 */
	static final int MIN_SLICE = 64;

	private static final int CORES = Runtime.getRuntime().availableProcessors();

	private ExecutorFanout() {
	}

	/**
	 * Runs a job on an executor and waits for its outcomes.
	 * @param executor where the lookups run
	 * @param job the job
	 * @return one outcome per zone, in order
	 */
	public static List<Outcome> run(Executor executor, FanoutJob job) {
		return job.inMemory() ? sliced(executor, job, CORES) : eachInATask(executor, job);
	}

	/**
	 * Runs an in-memory job in slices of consecutive zones: the first in the caller's
	 * thread, the others on the executor.
	 * @param executor where the other slices run
	 * @param job the job
	 * @param cores the most slices
	 * @return one outcome per zone, in order
	 */
	static List<Outcome> sliced(Executor executor, FanoutJob job, int cores) {
		int size = job.zones().size();
		int slices = Math.clamp(size / MIN_SLICE, 1, Math.max(1, cores));
		AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(size);
		long start = System.nanoTime();
		List<Slice> handedOff = new ArrayList<>(slices - 1);
		for (int k = 1; k < slices; k++) {
			Slice slice = new Slice((int) ((long) size * k / slices), (int) ((long) size * (k + 1) / slices), job,
					outcomes);
			try {
				executor.execute(slice.task);
				handedOff.add(slice);
			}
			catch (RejectedExecutionException ex) {
				// Only a stopped executor refuses: admission bounds what reaches it.
				slice.settle(job.failed(ex, System.nanoTime() - start));
			}
		}
		Slice own = new Slice(0, size / slices, job, outcomes);
		own.answer();
		own.settle(Outcome.timedOut(job.deadline(), System.nanoTime() - start));
		boolean interrupted = Thread.interrupted();
		for (Slice slice : handedOff) {
			try {
				if (!interrupted) {
					slice.task.get(Math.max(0, job.deadline().remainingNanos()), TimeUnit.NANOSECONDS);
				}
			}
			catch (TimeoutException ex) {
				// Settled as timed out below.
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
			catch (ExecutionException ex) {
				slice.settle(job.failed(ex.getCause(), System.nanoTime() - start));
			}
			// Settled before the slice is interrupted: what it answers after the caller
			// gave up on it is dropped.
			slice.settle(Outcome.timedOut(job.deadline(), System.nanoTime() - start));
			slice.task.cancel(true);
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		Outcome[] result = new Outcome[size];
		for (int i = 0; i < size; i++) {
			result[i] = outcomes.get(i);
		}
		return Arrays.asList(result);
	}

	private static List<Outcome> eachInATask(Executor executor, FanoutJob job) {
		List<Zone> zones = job.zones();
		Outcome[] outcomes = new Outcome[zones.size()];
		List<FutureTask<Outcome>> tasks = new ArrayList<>(zones.size());
		long start = System.nanoTime();
		for (int i = 0; i < zones.size(); i++) {
			Zone zone = zones.get(i);
			// A task that starts after the deadline (a thread or permit freed by a
			// cancelled one) must not run: the caller may not have reached it yet to
			// cancel it.
			FutureTask<Outcome> task = new FutureTask<>(() -> (job.deadline().remainingNanos() > 0) ? job.lookup(zone)
					: Outcome.timedOut(job.deadline(), System.nanoTime() - start));
			tasks.add(task);
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// Only a stopped executor refuses: admission bounds what reaches it.
				outcomes[i] = job.failed(ex, System.nanoTime() - start);
			}
		}
		boolean interrupted = false;
		for (int i = 0; i < outcomes.length; i++) {
			if (outcomes[i] != null) {
				continue;
			}
			FutureTask<Outcome> task = tasks.get(i);
			try {
				outcomes[i] = interrupted ? task.get(0, TimeUnit.NANOSECONDS)
						: task.get(Math.max(0, job.deadline().remainingNanos()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				task.cancel(true);
				outcomes[i] = Outcome.timedOut(job.deadline(), System.nanoTime() - start);
			}
			catch (InterruptedException ex) {
				interrupted = true;
				task.cancel(true);
				outcomes[i] = Outcome.timedOut(job.deadline(), System.nanoTime() - start);
			}
			catch (ExecutionException ex) {
				outcomes[i] = job.failed(ex.getCause(), System.nanoTime() - start);
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return Arrays.asList(outcomes);
	}

	/**
	 * Consecutive zones of an in-memory job, answered one after the other into the shared
	 * outcomes. Each outcome is set once: by the slice, or, once the caller has given up
	 * on it, by the caller ({@link #settle}), whichever comes first.
	 */
	private static final class Slice {

		private final int from;

		private final int to;

		private final FanoutJob job;

		private final AtomicReferenceArray<Outcome> outcomes;

		private final FutureTask<Void> task;

		Slice(int from, int to, FanoutJob job, AtomicReferenceArray<Outcome> outcomes) {
			this.from = from;
			this.to = to;
			this.job = job;
			this.outcomes = outcomes;
			this.task = new FutureTask<>(this::answer, null);
		}

		/**
		 * Answers the zones in order until the deadline passes or the thread is
		 * interrupted (cancelled, or a caller interrupted while answering its own).
		 */
		void answer() {
			List<Zone> zones = this.job.zones();
			for (int i = this.from; i < this.to; i++) {
				if (this.job.deadline().remainingNanos() <= 0 || Thread.currentThread().isInterrupted()) {
					return;
				}
				this.outcomes.compareAndSet(i, null, this.job.lookup(zones.get(i)));
			}
		}

		/**
		 * Gives every zone still without an outcome this one.
		 */
		void settle(Outcome outcome) {
			for (int i = this.from; i < this.to; i++) {
				this.outcomes.compareAndSet(i, null, outcome);
			}
		}

	}

}
