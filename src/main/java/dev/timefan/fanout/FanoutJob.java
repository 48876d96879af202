package dev.timefan.fanout;

import java.util.List;

import dev.timefan.time.Zone;

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

	public FanoutJob {
		zones = List.copyOf(zones);
	}

	/**
	 * Answers one zone in the calling thread and times it.
	 * @param zone the zone
	 * @return its outcome
	 */
	public Outcome lookup(Zone zone) {
		long start = System.nanoTime();
		Outcome outcome = this.lookup.lookup(zone, this.clientIp, this.deadline);
		return new Outcome(outcome.status(), outcome.source(), outcome.time(), outcome.error(),
				System.nanoTime() - start);
	}

}
