package dev.timefan.zones;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.timefan.time.Zone;
import io.swagger.v3.oas.annotations.media.Schema;
import org.joda.time.DateTimeZone;

/**
 * A zone's transitions in a range: every instant where its offset or its abbreviation
 * changes, by the zone's Joda-Time rules.
 *
 * @param timezone the zone's name (canonical spelling, or the alias asked for)
 * @param from the start of the range, included
 * @param to the end of the range, excluded
 * @param count how many transitions are listed
 * @param truncated whether the range holds more transitions than listed: the next starts
 * a range after the last one listed
 * @param transitions the transitions, earliest first
 */
@JsonPropertyOrder({ "timezone", "from", "to", "count", "truncated", "transitions" })
@Schema(name = "ZoneTransitions", description = "A zone's offset and abbreviation changes in a range")
record ZoneTransitions(@Schema(example = "Europe/London") String timezone,
		@Schema(example = "2026-01-01T00:00:00+00:00") String from,
		@Schema(example = "2027-01-01T00:00:00+00:00") String to, int count, boolean truncated,
		List<Transition> transitions) {

	ZoneTransitions {
		transitions = List.copyOf(transitions);
	}

	/**
	 * The transitions of a zone from {@code from} (included) to {@code to} (excluded), at
	 * most {@code limit} of them.
	 * @param zone the zone
	 * @param from the start
	 * @param to the end, not before the start
	 * @param limit the most to list
	 * @return the transitions
	 */
	static ZoneTransitions between(Zone zone, Instant from, Instant to, int limit) {
		DateTimeZone rules = zone.rules();
		List<Transition> transitions = new ArrayList<>();
		boolean truncated = false;
		// Joda answers the first transition after a millisecond: the one before from's.
		long probe = from.toEpochMilli() - 1;
		while (true) {
			long next = rules.nextTransition(probe);
			if (next <= probe) {
				// No transition after it: the zone's rules end in a fixed offset.
				break;
			}
			Instant instant = Instant.ofEpochMilli(next);
			if (!instant.isBefore(to)) {
				break;
			}
			if (!instant.isBefore(from)) {
				if (transitions.size() == limit) {
					truncated = true;
					break;
				}
				transitions.add(Transition.of(rules, next));
			}
			probe = next;
		}
		return new ZoneTransitions(zone.name(), Wall.utc(from), Wall.utc(to), transitions.size(), truncated,
				transitions);
	}

	/**
	 * One transition.
	 *
	 * @param instant when it happens, in UTC
	 * @param unixtime the same, in seconds since the epoch
	 * @param before the wall clock that it ends
	 * @param after the wall clock that it starts
	 */
	@JsonPropertyOrder({ "instant", "unixtime", "before", "after" })
	@Schema(name = "Transition")
	record Transition(@Schema(example = "2026-03-29T01:00:00+00:00") String instant,
			@Schema(example = "1774746000") long unixtime, Wall before, Wall after) {

		static Transition of(DateTimeZone rules, long millis) {
			Instant instant = Instant.ofEpochMilli(millis);
			return new Transition(Wall.utc(instant), instant.getEpochSecond(), Wall.at(rules, instant, millis - 1),
					Wall.at(rules, instant, millis));
		}

	}

}
