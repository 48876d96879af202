package dev.timefan.upstream;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import org.jspecify.annotations.Nullable;

/**
 * What an item comes to once the upstream has failed it for good: the local tz database's
 * answer with source {@code fallback}, or 502. Either way the item says why, in the
 * caller's terms of {@link UpstreamFailure}'s message: {@code upstream answered HTTP 503
 * (3 attempts)}, {@code upstream refused the connection (3 attempts); answered from the
 * local tz database}. An item the circuit breaker stopped says so: {@code upstream
 * circuit breaker is open} when it made no call, {@code upstream gave no answer within
 * 2000 ms (then its circuit breaker opened)} when a retry was refused.
 *
 * @param enabled whether to fall back
 * @param clock the local tz database's clock
 */
record Fallback(boolean enabled, WorldClock clock) {

	Outcome after(UpstreamFailure failure, int attempts, Zone zone, String clientIp, long startNanos) {
		return outcome(failure.getMessage() + ((attempts > 1) ? " (" + attempts + " attempts)" : ""), zone, clientIp,
				startNanos);
	}

	/**
	 * An item whose next call the circuit breaker refused.
	 * @param last how its last call failed, or null when it made none
	 * @param attempts the calls it made
	 */
	Outcome refused(@Nullable UpstreamFailure last, int attempts, Zone zone, String clientIp, long startNanos) {
		String why = (last == null) ? UpstreamBreaker.OPEN : last.getMessage() + " ("
				+ ((attempts > 1) ? attempts + " attempts, then" : "then") + " its circuit breaker opened)";
		return outcome(why, zone, clientIp, startNanos);
	}

	private Outcome outcome(String why, Zone zone, String clientIp, long startNanos) {
		if (!this.enabled) {
			return Outcome.failed(502, why, System.nanoTime() - startNanos);
		}
		return new Outcome(200, Source.FALLBACK, this.clock.now(zone, clientIp),
				why + "; answered from the local tz database", System.nanoTime() - startNanos);
	}

}
