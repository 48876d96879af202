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

import dev.timefan.time.Zone;

/**
 * Fan-out over an {@link Executor} for the strategies that run lookups in threads: one
 * task per zone, the caller waits for each outcome in order until the deadline, then
 * every unfinished task is cancelled (interrupted) and answered 504.
 */
public final class ExecutorFanout {

	private ExecutorFanout() {
	}

	/**
	 * Runs a job on an executor and waits for its outcomes.
	 * @param executor where the lookups run
	 * @param job the job
	 * @return one outcome per zone, in order
	 */
	public static List<Outcome> run(Executor executor, FanoutJob job) {
		List<Zone> zones = job.zones();
		Outcome[] outcomes = new Outcome[zones.size()];
		List<FutureTask<Outcome>> tasks = new ArrayList<>(zones.size());
		long start = System.nanoTime();
		for (int i = 0; i < zones.size(); i++) {
			Zone zone = zones.get(i);
			// A task that starts after the deadline (a thread or permit freed by a
			// cancelled one) must not
			// run: the caller may not have reached it yet to cancel it.
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

}
