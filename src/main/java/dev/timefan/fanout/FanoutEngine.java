package dev.timefan.fanout;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seam every strategy implements: turn a job's zones into one outcome each, in the
 * same order, by the job's deadline. An item that misses the deadline is 504 and its work
 * is cancelled. The future never completes exceptionally. A strategy takes every item of
 * a job: {@link FanoutService} admits no more than its {@link #capacity()}.
 */
public interface FanoutEngine {

	/**
	 * The strategy's name, as in its path ({@code threads}) and in metric tags.
	 * @return the name
	 */
	String strategy();

	/**
	 * How much the strategy takes at once; requests beyond it are shed whole.
	 * @return the capacity
	 */
	Capacity capacity();

	/**
	 * Fans a job out.
	 * @param job the job
	 * @return the outcomes, one per zone, in order
	 */
	CompletableFuture<List<Outcome>> fanOut(FanoutJob job);

}
