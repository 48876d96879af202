package dev.timefan.zones;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.joda.time.DateTimeZone;

/**
 * A zone's wall clock at an instant, by the zone's rules at that instant or just before
 * it.
 *
 * @param datetime the local date-time with its offset, {@code 2026-03-29T02:00:00+01:00};
 * a fraction only when there is one
 * @param utcOffset the offset, {@code +01:00}; never {@code Z}
 * @param abbreviation the tz database's abbreviation, such as {@code BST} or {@code -03}
 * @param dst whether daylight saving time is in effect
 */
@Schema(name = "WallClock", description = "A zone's wall clock at an instant")
record Wall(@Schema(example = "2026-03-29T02:00:00+01:00") String datetime,
		@JsonProperty("utc_offset") @Schema(example = "+01:00") String utcOffset,
		@Schema(example = "BST") String abbreviation, boolean dst) {

	/**
	 * A date-time with its offset: seconds always, a fraction only when not zero,
	 * {@code +00:00} rather than {@code Z}, and an offset's seconds when it has any
	 * (local mean time).
	 */
	static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss")
		.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
		.appendOffset("+HH:MM:ss", "+00:00")
		.toFormatter(Locale.ROOT);

	/**
	 * The wall clock at an instant, by the rules in effect then.
	 * @param rules the zone's rules
	 * @param instant the instant
	 * @return the wall clock
	 */
	static Wall at(DateTimeZone rules, Instant instant) {
		return at(rules, instant, instant.toEpochMilli());
	}

	/**
	 * The wall clock at an instant, by the rules in effect at another millisecond: the
	 * one just before a transition shows the clock that the transition ends.
	 * @param rules the zone's rules
	 * @param instant the instant
	 * @param rulesMillis the millisecond whose rules apply
	 * @return the wall clock
	 */
	static Wall at(DateTimeZone rules, Instant instant, long rulesMillis) {
		ZoneOffset offset = offset(rules.getOffset(rulesMillis));
		String abbreviation = rules.getNameKey(rulesMillis);
		return new Wall(DATE_TIME.format(OffsetDateTime.ofInstant(instant, offset)), offsetId(offset),
				(abbreviation != null) ? abbreviation : "", !rules.isStandardOffset(rulesMillis));
	}

	/**
	 * An instant in UTC, as {@link #DATE_TIME} writes it.
	 * @param instant the instant
	 * @return {@code 2026-03-29T01:00:00+00:00}
	 */
	static String utc(Instant instant) {
		return DATE_TIME.format(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
	}

	/** Joda's offsets are in milliseconds; the tz database's are whole seconds. */
	static ZoneOffset offset(int offsetMillis) {
		return ZoneOffset.ofTotalSeconds(offsetMillis / 1000);
	}

	/** An offset as the time object writes it: {@code +00:00}, never {@code Z}. */
	static String offsetId(ZoneOffset offset) {
		return offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId();
	}

}
