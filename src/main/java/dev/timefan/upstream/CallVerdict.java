package dev.timefan.upstream;

/**
 * What one call tells the upstream's circuit breaker about the upstream.
 */
public enum CallVerdict {

	/**
	 * The upstream answered: a valid time object, or a 4xx other than 429, which is about
	 * the request (a zone it does not know), not about the upstream's health. Still
	 * counted as slow when it took longer than the slow-call threshold.
	 */
	SUCCESS,

	/**
	 * The upstream failed: no connection, a broken one, no whole answer within the call
	 * timeout, 5xx, 429, any other status but 2xx and 4xx, or a 2xx that is no time
	 * object of the zone asked.
	 */
	FAILURE,

	/**
	 * The call tells nothing: the batch deadline cut it, or the breaker refused it before
	 * it was made. Its permission is given back.
	 */
	NONE

}
