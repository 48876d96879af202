package dev.timefan.fanout;

import dev.timefan.time.Zone;

/**
 * Answers one zone from one source. Never throws: a failure is an {@link Outcome} that
 * says why.
 */
@FunctionalInterface
public interface ZoneLookup {

	/**
	 * Looks one zone up.
	 * @param zone a zone of the catalog
	 * @param clientIp the caller's address, for the time object
	 * @param deadline when the outcome is due: a remote source spends no more time, nor
	 * waits for a retry, past it
	 * @return the outcome; its {@code nanos} are filled in by the caller
	 */
	Outcome lookup(Zone zone, String clientIp, Deadline deadline);

}
