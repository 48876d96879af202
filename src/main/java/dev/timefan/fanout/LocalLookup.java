package dev.timefan.fanout;

import java.time.Instant;

import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import org.jspecify.annotations.Nullable;

/**
 * The local source: the tz database this service ships, answered from memory.
 *
 * @param clock the world clock
 * @param at the instant to answer for ({@code ?at=}), or null for the clock's present
 */
record LocalLookup(WorldClock clock, @Nullable Instant at) implements ZoneLookup {

	/**
	 * The local source for the clock's present.
	 * @param clock the world clock
	 */
	LocalLookup(WorldClock clock) {
		this(clock, null);
	}

	@Override
	public Outcome lookup(Zone zone, String clientIp, Deadline deadline) {
		return Outcome.answered(Source.LOCAL,
				(this.at != null) ? this.clock.at(zone, this.at, clientIp) : this.clock.now(zone, clientIp), 0);
	}

	@Override
	public boolean inMemory() {
		return true;
	}

}
