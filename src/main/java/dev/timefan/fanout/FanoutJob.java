package dev.timefan.fanout;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.timefan.time.Zone;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 */
public record FanoutJob(String strategy, List<Zone> zones, Source source, String clientIp, Deadline deadline,
		ZoneLookup lookup) {

	private static final Log log = LogFactory.getLog(FanoutJob.class);

	public FanoutJob {
		zones = List.copyOf(zones);
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
	 * correlation id, the cause logged once under that id with its stack trace. The
	 * caller sees the id, never the exception. Every item a failure spoils may share the
	 * one outcome, so the failure is logged once.
	 * @param strategy the strategy that ran it
	 * @param cause what was thrown
	 * @param nanos how long the item took
	 * @return the outcome
	 */
	public static Outcome unexpected(String strategy, Throwable cause, long nanos) {
		String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		log.error("Lookup failed in strategy '" + strategy + "' (correlation id " + id + ")", cause);
		return Outcome.failed(500, "lookup failed (correlation id " + id + ")", nanos);
	}

}
