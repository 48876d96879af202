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

	/**
	 * Whether a lookup answers from memory in about a microsecond and never waits (for
	 * I/O, a lock or a thread): then {@link ExecutorFanout} answers a small job in the
	 * caller's thread and cuts a large one into a few slices, rather than handing each
	 * zone to a thread of its own, a hand-off that costs more than the lookup.
	 * @return false unless the lookup is known never to wait
	 */
	default boolean inMemory() {
		return false;
	}

}
