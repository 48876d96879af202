package dev.timefan.zones;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.timefan.time.Zone;
import io.swagger.v3.oas.annotations.media.Schema;
import org.joda.time.DateTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * A time in one zone converted to another. A local date-time names one instant, none (it
 * falls in a gap: the clocks skipped it) or two (it falls in an overlap: the clocks went
 * back over it); the answer says which, and resolves it as {@code java.time} does: a time
 * in a gap is moved later by the gap's length, a time in an overlap takes the earlier of
 * its two instants, the later one given beside it.
 *
 * @param at what was asked: a local date-time in {@code from}, or an instant
 * @param status {@code unique}, {@code gap} or {@code overlap}
 * @param note what the gap or overlap is and how it was resolved; null when unique
 * @param instant the instant answered, in UTC
 * @param unixtime the same, in seconds since the epoch
 * @param from the wall clock of the zone converted from, at that instant
 * @param to the wall clock of the zone converted to, at that instant
 * @param later for an overlap, the later of the two instants; else null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "at", "status", "note", "instant", "unixtime", "from", "to", "later" })
@Schema(name = "Conversion", description = "A time in one zone converted to another")
record Conversion(@Schema(example = "2026-03-08T02:30:00") String at, @Schema(allowableValues = {
		"unique", "gap", "overlap" }) String status, @Schema(types = { "string", "null" }) @Nullable String note,
		@Schema(example = "2026-03-08T07:30:00+00:00") String instant, long unixtime, ZoneTime from, ZoneTime to,
		@Schema(types = { "object", "null" }) @Nullable Candidate later){

	static final String UNIQUE = "unique";

	static final String GAP = "gap";

	static final String OVERLAP = "overlap";

	/**
	 * Every offset is under a day, so every instant of a local time is within a day of
	 * it.
	 */
	private static final long WINDOW_MILLIS = 24L * 60 * 60 * 1000;

	/**
	 * An instant converted: always unique.
	 * @param instant the instant
	 * @param from the zone converted from
	 * @param to the zone converted to
	 * @return the conversion
	 */
	static Conversion of(Instant instant, Zone from, Zone to) {
		return new Conversion(Wall.utc(instant), UNIQUE, null, Wall.utc(instant), instant.getEpochSecond(),
				ZoneTime.at(from, instant), ZoneTime.at(to, instant), null);
	}

	/**
	 * A local date-time of {@code from} converted.
	 * @param local the local date-time
	 * @param from the zone it is in
	 * @param to the zone converted to
	 * @return the conversion
	 */
	static Conversion of(LocalDateTime local, Zone from, Zone to) {
		DateTimeZone rules = from.rules();
		Instant asUtc = local.toInstant(ZoneOffset.UTC);
		long localMillis = asUtc.toEpochMilli();
		Span span = span(rules, localMillis);
		String asked = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(local);
		if (span.offsets().size() == 1) {
			Instant instant = asUtc.minusMillis(span.offsets().getFirst());
			return new Conversion(asked, UNIQUE, null, Wall.utc(instant), instant.getEpochSecond(),
					ZoneTime.at(from, instant), ZoneTime.at(to, instant), null);
		}
		if (span.offsets().size() == 2) {
			Instant earlier = asUtc.minusMillis(span.offsets().getFirst());
			Instant later = asUtc.minusMillis(span.offsets().getLast());
			ZoneTime first = ZoneTime.at(from, earlier);
			ZoneTime second = ZoneTime.at(from, later);
			long transition = rules.nextTransition(earlier.toEpochMilli());
			String note = asked + " happens twice in " + from.name() + ": its clocks went back from "
					+ wall(transition, span.offsets().getFirst()) + " to " + wall(transition, span.offsets().getLast())
					+ " (" + first.utcOffset() + " to " + second.utcOffset() + "); answered for the earlier, "
					+ first.utcOffset() + " (" + first.abbreviation() + "); later is the other, " + second.utcOffset()
					+ " (" + second.abbreviation() + ")";
			return new Conversion(asked, OVERLAP, note, Wall.utc(earlier), earlier.getEpochSecond(), first,
					ZoneTime.at(to, earlier),
					new Candidate(Wall.utc(later), later.getEpochSecond(), second, ZoneTime.at(to, later)));
		}
		Gap gap = span.gap();
		if (gap == null) {
			throw new IllegalStateException("no instant and no gap for " + asked + " in " + from.name());
		}
		// As java.time does: read with the offset before the gap, which lands as much
		// later as the gap is long.
		Instant instant = asUtc.minusMillis(gap.before());
		ZoneTime shifted = ZoneTime.at(from, instant);
		String note = asked + " does not exist in " + from.name() + ": its clocks went forward from "
				+ wall(gap.transition(), gap.before()) + " to " + wall(gap.transition(), gap.after()) + " ("
				+ Wall.offsetId(Wall.offset(gap.before())) + " to " + Wall.offsetId(Wall.offset(gap.after()))
				+ "); read as " + shifted.datetime() + ", " + length((gap.after() - gap.before()) / 1000)
				+ " later, as java.time does";
		return new Conversion(asked, GAP, note, Wall.utc(instant), instant.getEpochSecond(), shifted,
				ZoneTime.at(to, instant), null);
	}

	/**
	 * The offsets under which a local time names an instant of the zone, earliest instant
	 * first, and the gap it falls in when there is none: the instants within a day of it,
	 * cut at each transition, each span checked for whether the local time read with its
	 * offset lands inside it.
	 */
	private static Span span(DateTimeZone rules, long localMillis) {
		long end = localMillis + WINDOW_MILLIS;
		long start = localMillis - WINDOW_MILLIS;
		int offset = rules.getOffset(start);
		List<Integer> offsets = new ArrayList<>(2);
		Gap gap = null;
		while (true) {
			long next = rules.nextTransition(start);
			long until = (next > start && next < end) ? next : end;
			long instant = localMillis - offset;
			if (instant >= start && instant < until) {
				offsets.add(offset);
			}
			if (until == end) {
				return new Span(offsets, gap);
			}
			int after = rules.getOffset(until);
			if (after > offset && localMillis >= until + offset && localMillis < until + after) {
				gap = new Gap(until, offset, after);
			}
			start = until;
			offset = after;
		}
	}

	/** The wall clock's time of day at a transition, read with one of its offsets. */
	private static String wall(long transition, int offsetMillis) {
		return LocalDateTime.ofInstant(Instant.ofEpochMilli(transition), Wall.offset(offsetMillis))
			.toLocalTime()
			.toString();
	}

	/**
	 * A length of time in words: {@code 1 hour}, {@code 30 minutes},
	 * {@code 1 hour 30 minutes}.
	 */
	static String length(long seconds) {
		List<String> parts = new ArrayList<>(3);
		long hours = seconds / 3600;
		long minutes = seconds % 3600 / 60;
		long rest = seconds % 60;
		if (hours > 0) {
			parts.add(hours + ((hours == 1) ? " hour" : " hours"));
		}
		if (minutes > 0) {
			parts.add(minutes + ((minutes == 1) ? " minute" : " minutes"));
		}
		if (rest > 0 || parts.isEmpty()) {
			parts.add(rest + ((rest == 1) ? " second" : " seconds"));
		}
		return String.join(" ", parts);
	}

	/**
	 * A zone's wall clock at the instant answered.
	 *
	 * @param timezone the zone's name (canonical spelling, or the alias asked for)
	 * @param datetime the local date-time with its offset
	 * @param utcOffset the offset
	 * @param abbreviation the tz database's abbreviation
	 * @param dst whether daylight saving time is in effect
	 */
	@JsonPropertyOrder({ "timezone", "datetime", "utc_offset", "abbreviation", "dst" })
	@Schema(name = "ZoneTime")
	record ZoneTime(@Schema(example = "America/New_York") String timezone,
			@Schema(example = "2026-03-08T03:30:00-04:00") String datetime,
			@JsonProperty("utc_offset") @Schema(example = "-04:00") String utcOffset,
			@Schema(example = "EDT") String abbreviation, boolean dst) {

		static ZoneTime at(Zone zone, Instant instant) {
			Wall wall = Wall.at(zone.rules(), instant);
			return new ZoneTime(zone.name(), wall.datetime(), wall.utcOffset(), wall.abbreviation(), wall.dst());
		}

	}

	/**
	 * The other instant of a local time in an overlap.
	 *
	 * @param instant the instant, in UTC
	 * @param unixtime the same, in seconds since the epoch
	 * @param from the wall clock of the zone converted from
	 * @param to the wall clock of the zone converted to
	 */
	@JsonPropertyOrder({ "instant", "unixtime", "from", "to" })
	@Schema(name = "ConversionCandidate")
	record Candidate(String instant, long unixtime, ZoneTime from, ZoneTime to) {

	}

	/** The offsets a local time is valid under, and the gap it falls in when none. */
	private record Span(List<Integer> offsets, @Nullable Gap gap) {
	}

	/** A transition that skips local times: offsets in milliseconds. */
	private record Gap(long transition, int before, int after) {
	}

}
