package dev.timefan.fanout;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seam every strategy implements: turn a job's zones into one outcome each, in the
 * same order, by the job's deadline. An item the strategy cannot take is 503 at once; an
 * item that misses the deadline is 504 and its work is cancelled. The future never
 * completes exceptionally.
 */
public interface FanoutEngine {

	/**
	 * The strategy's name, as in its path ({@code threads}) and in metric tags.
	 * @return the name
	 */
	String strategy();

	/**
	 * Fans a job out.
	 * @param job the job
	 * @return the outcomes, one per zone, in order
	 */
	CompletableFuture<List<Outcome>> fanOut(FanoutJob job);

}
