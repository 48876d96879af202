package dev.timefan.upstream;

import dev.timefan.time.Zone;

/**
 * One blocking call to the upstream for one zone.
 */
@FunctionalInterface
interface Exchange {

	/**
	 * Calls the upstream once.
	 * @param zone the zone
	 * @return the answer, whatever its status
	 * @throws UpstreamFailure when no answer came: no connection, a broken one, a timeout
	 * @throws InterruptedException when the calling thread was interrupted (the batch
	 * deadline passed)
	 */
	Reply call(Zone zone) throws UpstreamFailure, InterruptedException;

}
