package dev.timefan.upstream;

import dev.timefan.fanout.Deadline;
import dev.timefan.time.Zone;

/**
 * One blocking call to the upstream for one zone.
 */
@FunctionalInterface
interface Exchange {

	/**
	 * Calls the upstream once.
	 * @param zone the zone
	 * @param deadline the batch deadline: no waiting for a connection past it
	 * @return the answer, whatever its status
	 * @throws UpstreamFailure when no answer came: no connection, a broken one, a timeout
	 * @throws InterruptedException when the calling thread was interrupted (the batch
	 * deadline passed)
	 */
	Reply call(Zone zone, Deadline deadline) throws UpstreamFailure, InterruptedException;

}
