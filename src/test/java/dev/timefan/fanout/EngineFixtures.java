package dev.timefan.fanout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;

/**
 * What the engine tests share: the catalog, a world clock pinned to 2026-07-01T12:00Z, a
 * local lookup on it, and the bounds of their waits.
 */
public final class EngineFixtures {

	public static final ZoneCatalog CATALOG = ZoneCatalog.load();

	public static final WorldClock CLOCK = new WorldClock(
			Clock.fixed(Instant.parse("2026-07-01T12:00:00Z"), ZoneOffset.UTC));

	public static final ZoneLookup LOCAL = (zone, clientIp) -> Outcome.answered(Source.LOCAL, CLOCK.now(zone, clientIp),
			0);

	/** How long a latch may be awaited before the test fails. */
	public static final long BOUND_SECONDS = 10;

	/** Short, yet long enough for a started thread to be scheduled on a busy machine. */
	public static final Duration DEADLINE = Duration.ofMillis(500);

	private EngineFixtures() {
	}

}
