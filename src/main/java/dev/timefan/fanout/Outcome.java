package dev.timefan.fanout;

import dev.timefan.time.TimeObject;
import org.jspecify.annotations.Nullable;

/**
 * What one zone of a batch came to, as an engine reports it.
 *
 * @param status the item's HTTP-like status: 200, 404, 502, 503 (no worker process could
 * be started), 504, or 500 for a lookup that failed unexpectedly
 * @param source where the answer came from, or null when there is none
 * @param time the time object, or null when the item failed
 * @param error why the item failed; for a fallback, why the upstream failed it; else null
 * @param nanos how long the item took, from dispatch to outcome
 */
public record Outcome(int status, @Nullable Source source, @Nullable TimeObject time, @Nullable String error,
		long nanos) {

	/**
	 * A time object answered.
	 * @param source where it came from
	 * @param time the time object
	 * @param nanos how long it took
	 * @return the outcome
	 */
	public static Outcome answered(Source source, TimeObject time, long nanos) {
		return new Outcome(200, source, time, null, nanos);
	}

	/**
	 * The item missed the batch deadline; its work was cancelled.
	 * @param deadline the deadline it missed
	 * @param nanos how long it had
	 * @return the outcome
	 */
	public static Outcome timedOut(Deadline deadline, long nanos) {
		return new Outcome(504, null, null, "missed the batch deadline of " + deadline.timeout().toMillis() + " ms",
				nanos);
	}

	/**
	 * The item failed.
	 * @param status its status
	 * @param error why
	 * @param nanos how long it took
	 * @return the outcome
	 */
	public static Outcome failed(int status, String error, long nanos) {
		return new Outcome(status, null, null, error, nanos);
	}

	/**
	 * Whether a time object was answered.
	 * @return true for status 200
	 */
	public boolean succeeded() {
		return this.status == 200;
	}

}
