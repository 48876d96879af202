package dev.timefan.fanout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;

/**
 * What the engine tests share: the catalog, a world clock pinned to 2026-07-01T12:00Z, a
 * local lookup on it, and the bounds of their waits.
 */
public final class EngineFixtures {

	public static final ZoneCatalog CATALOG = ZoneCatalog.load();

	public static final WorldClock CLOCK = new WorldClock(
			Clock.fixed(Instant.parse("2026-07-01T12:00:00Z"), ZoneOffset.UTC));

	public static final ZoneLookup LOCAL = (zone, clientIp, deadline) -> Outcome.answered(Source.LOCAL,
			CLOCK.now(zone, clientIp), 0);

	/** How long a latch may be awaited before the test fails. */
	public static final long BOUND_SECONDS = 10;

	/** Short, yet long enough for a started thread to be scheduled on a busy machine. */
	public static final Duration DEADLINE = Duration.ofMillis(500);

	private EngineFixtures() {
	}

	/**
	 * A job of catalog zones under a deadline {@code timeout} from now.
	 * @param strategy the strategy running it
	 * @param names catalog names
	 * @param timeout the time allowed
	 * @param lookup how each zone is answered
	 * @return the job
	 */
	public static FanoutJob job(String strategy, List<String> names, Duration timeout, ZoneLookup lookup) {
		List<Zone> zones = names.stream().map(CATALOG::find).toList();
		return new FanoutJob(strategy, zones, Source.LOCAL, "127.0.0.1", Deadline.after(timeout), lookup);
	}

	/**
	 * A lookup body that blocks until interrupted (counting {@code interrupted} down) or
	 * until the bound passes.
	 * @param never a latch nobody counts down
	 * @param interrupted counted down when the wait is interrupted
	 * @return a 502 outcome saying which happened
	 */
	public static Outcome blockUntilInterrupted(CountDownLatch never, CountDownLatch interrupted) {
		try {
			never.await(BOUND_SECONDS, TimeUnit.SECONDS);
			return Outcome.failed(502, "never interrupted", 0);
		}
		catch (InterruptedException ex) {
			interrupted.countDown();
			Thread.currentThread().interrupt();
			return Outcome.failed(502, "interrupted", 0);
		}
	}

}
