package dev.timefan.upstream;

import dev.timefan.time.Zone;

/**
 * Whether an attempt of {@link UpstreamLookup} may call the upstream, and where its
 * result goes. In the service it is the upstream's circuit breaker
 * ({@link UpstreamBreaker}); in a worker process, the permissions the service granted a
 * request and the breaker state it last told the worker, with each call reported back.
 */
public interface UpstreamGate {

	/**
	 * Asks whether an attempt may call the upstream. An attempt that is permitted must be
	 * {@linkplain #record recorded}, whatever happens to it.
	 * @param zone the item's zone
	 * @param attempt which call of the item this would be, from 1
	 * @return true to call; false to make no further attempt and fall back at once
	 */
	boolean permits(Zone zone, int attempt);

	/**
	 * Records the result of a permitted attempt.
	 * @param zone the item's zone
	 * @param attempt which call of the item it was, from 1
	 * @param nanos how long it took
	 * @param verdict what it tells of the upstream
	 */
	void record(Zone zone, int attempt, long nanos, CallVerdict verdict);

}
