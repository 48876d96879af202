package dev.timefan.fanout;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.timefan.time.Zone;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One batch handed to an engine: catalog zones only, in the order asked, duplicates
 * included.
 *
 * @param strategy the strategy running it
 * @param zones the zones, in order
 * @param source the source asked for
 * @param clientIp the caller's address
 * @param deadline when every outcome is due
 * @param lookup how an in-process engine answers one zone from the source
 * @param at the instant every item answers for ({@code ?at=}), or null for the present:
 * an engine that answers elsewhere than in its lookup (worker processes) sends it on
 */
public record FanoutJob(String strategy, List<Zone> zones, Source source, String clientIp, Deadline deadline,
		ZoneLookup lookup, @Nullable Instant at) {

	private static final Log log = LogFactory.getLog(FanoutJob.class);

	/** Failures logged in the last second, by what failed. */
	private static final Map<String, Logged> LOGGED = new ConcurrentHashMap<>();

	private static final long LOG_INTERVAL = TimeUnit.SECONDS.toNanos(1);

	public FanoutJob {
		zones = List.copyOf(zones);
	}

	/**
	 * A job answering for the present.
	 * @param strategy the strategy running it
	 * @param zones the zones, in order
	 * @param source the source asked for
	 * @param clientIp the caller's address
	 * @param deadline when every outcome is due
	 * @param lookup how an in-process engine answers one zone from the source
	 */
	public FanoutJob(String strategy, List<Zone> zones, Source source, String clientIp, Deadline deadline,
			ZoneLookup lookup) {
		this(strategy, zones, source, clientIp, deadline, lookup, null);
	}

	/**
	 * Answers one zone in the calling thread and times it; an unexpected exception is
	 * {@linkplain #failed an item that says so}, never thrown.
	 * @param zone the zone
	 * @return its outcome
	 */
	public Outcome lookup(Zone zone) {
		long start = System.nanoTime();
		try {
			Outcome outcome = this.lookup.lookup(zone, this.clientIp, this.deadline);
			return new Outcome(outcome.status(), outcome.source(), outcome.time(), outcome.error(),
					System.nanoTime() - start);
		}
		catch (RuntimeException ex) {
			return failed(ex, System.nanoTime() - start);
		}
	}

	/**
	 * Whether every lookup of this job answers from memory without waiting.
	 * @return whether its lookup is {@linkplain ZoneLookup#inMemory() in memory}
	 */
	public boolean inMemory() {
		return this.lookup.inMemory();
	}

	/**
	 * The failure boundary of the fan-out: what an item comes to when its lookup failed
	 * in a way nothing foresaw.
	 * @param cause what was thrown
	 * @param nanos how long the item took
	 * @return the outcome
	 * @see #unexpected(String, Throwable, long)
	 */
	public Outcome failed(Throwable cause, long nanos) {
		return unexpected(this.strategy, cause, nanos);
	}

	/**
	 * An item whose lookup failed unexpectedly: status 500 and "lookup failed" with a
	 * correlation id, the cause logged under that id with its stack trace. The caller
	 * sees the id, never the exception. The same failure (strategy, exception type and
	 * message) within a second shares the id and is logged once: a fault that spoils a
	 * whole batch is one stack trace, not a thousand.
	 * @param strategy the strategy that ran it
	 * @param cause what was thrown
	 * @param nanos how long the item took
	 * @return the outcome
	 */
	public static Outcome unexpected(String strategy, Throwable cause, long nanos) {
		String failure = strategy + " " + cause.getClass().getName() + " " + cause.getMessage();
		long now = System.nanoTime();
		Logged logged = LOGGED.compute(failure, (key, last) -> (last != null && now - last.nanos() < LOG_INTERVAL)
				? last : new Logged(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()), now));
		if (logged.nanos() == now) {
			log.error("Lookup failed in strategy '" + strategy + "' (correlation id " + logged.id()
					+ "; the same failure within a second shares it)", cause);
			if (LOGGED.size() > 1000) {
				LOGGED.clear();
			}
		}
		return Outcome.failed(500, "lookup failed (correlation id " + logged.id() + ")", nanos);
	}

	/** A failure logged, under its correlation id. */
	private record Logged(String id, long nanos) {
	}

}
