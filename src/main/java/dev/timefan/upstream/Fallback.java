package dev.timefan.upstream;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;

/**
 * What an item comes to once the upstream has failed it for good: the local tz database's
 * answer with source {@code fallback}, or 502. Either way the item says why, in the
 * caller's terms of {@link UpstreamFailure}'s message: {@code upstream answered HTTP 503
 * (3 attempts)}, {@code upstream refused the connection (3 attempts); answered from the
 * local tz database}.
 *
 * @param enabled whether to fall back
 * @param clock the local tz database's clock
 */
record Fallback(boolean enabled, WorldClock clock) {

	Outcome after(UpstreamFailure failure, int attempts, Zone zone, String clientIp, long startNanos) {
		String why = failure.getMessage() + ((attempts > 1) ? " (" + attempts + " attempts)" : "");
		if (!this.enabled) {
			return Outcome.failed(502, why, System.nanoTime() - startNanos);
		}
		return new Outcome(200, Source.FALLBACK, this.clock.now(zone, clientIp),
				why + "; answered from the local tz database", System.nanoTime() - startNanos);
	}

}
