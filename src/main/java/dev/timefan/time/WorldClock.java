package dev.timefan.time;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;

import org.joda.time.DateTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * Answers the time object of a zone. The offsets, the DST state, the current DST period
 * and the abbreviation all come from the zone's Joda-Time rules (one tz database
 * release); {@code java.time} only does calendar arithmetic on the offset those rules
 * give.
 */
public final class WorldClock {

	/**
	 * Local or UTC date-time, always 6 fractional digits, offset {@code +00:00} rather
	 * than {@code Z}.
	 */
	private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");

	/** DST period bounds: a UTC instant without fraction. */
	private static final DateTimeFormatter TRANSITION = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

	private final Clock clock;

	public WorldClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The time object of a zone now, by this clock, truncated to microseconds like
	 * worldtimeapi.org.
	 * @param zone the zone
	 * @param clientIp the caller's address
	 * @return the time object
	 */
	public TimeObject now(Zone zone, String clientIp) {
		return at(zone, this.clock.instant(), clientIp);
	}

	/**
	 * The time object of a zone at an instant.
	 * @param zone the zone
	 * @param instant the instant, truncated to microseconds
	 * @param clientIp the caller's address
	 * @return the time object
	 */
	public TimeObject at(Zone zone, Instant instant, String clientIp) {
		Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
		DateTimeZone rules = zone.rules();
		long millis = micros.toEpochMilli();
		int offsetMillis = rules.getOffset(millis);
		int standardMillis = rules.getStandardOffset(millis);
		boolean dst = !rules.isStandardOffset(millis);
		ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMillis / 1000);
		LocalDateTime local = LocalDateTime.ofEpochSecond(micros.getEpochSecond(), micros.getNano(), offset);
		OffsetDateTime localTime = OffsetDateTime.of(local, offset);
		OffsetDateTime utcTime = OffsetDateTime
			.of(LocalDateTime.ofEpochSecond(micros.getEpochSecond(), micros.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
		String abbreviation = rules.getNameKey(millis);
		return new TimeObject(offset.getId().equals("Z") ? "+00:00" : offset.getId(), zone.name(),
				local.getDayOfWeek().getValue() % 7, local.getDayOfYear(), DATE_TIME.format(localTime),
				DATE_TIME.format(utcTime), micros.getEpochSecond(), standardMillis / 1000,
				local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), dst, (abbreviation != null) ? abbreviation : "",
				(offsetMillis - standardMillis) / 1000, dst ? dstFrom(rules, millis, offsetMillis) : null,
				dst ? dstUntil(rules, millis, offsetMillis) : null, clientIp);
	}

	/**
	 * The start of the DST period holding {@code millis}: the latest transition at or
	 * before it, walking back over transitions that changed neither the offset nor the
	 * DST state (a renaming). Joda answers a previous transition as the last millisecond
	 * before it.
	 */
	private static @Nullable String dstFrom(DateTimeZone rules, long millis, int offsetMillis) {
		Long start = null;
		long probe = millis + 1;
		for (int guard = 0; guard < 16; guard++) {
			long previous = rules.previousTransition(probe);
			if (previous == probe) {
				break;
			}
			start = previous + 1;
			if (rules.isStandardOffset(previous) || rules.getOffset(previous) != offsetMillis) {
				break;
			}
			probe = previous;
		}
		return (start != null) ? transition(start) : null;
	}

	/**
	 * The end of the DST period holding {@code millis}, skipping renaming-only
	 * transitions.
	 */
	private static @Nullable String dstUntil(DateTimeZone rules, long millis, int offsetMillis) {
		Long end = null;
		long probe = millis;
		for (int guard = 0; guard < 16; guard++) {
			long next = rules.nextTransition(probe);
			if (next == probe) {
				break;
			}
			end = next;
			if (rules.isStandardOffset(next) || rules.getOffset(next) != offsetMillis) {
				break;
			}
			probe = next;
		}
		return (end != null) ? transition(end) : null;
	}

	private static String transition(long millis) {
		return TRANSITION.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
	}

}
