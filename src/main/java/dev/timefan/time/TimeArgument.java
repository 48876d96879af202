package dev.timefan.time;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A time a request names in a parameter ({@code at}, {@code from}, {@code to}), read by
 * the one parser every endpoint uses: an instant ({@link Exact}: ISO-8601 with {@code Z}
 * or an offset, or epoch seconds), a local date-time without an offset ({@link Local}),
 * or a date ({@link Day}). Each endpoint takes the kinds that mean something to it
 * ({@link #instant}, {@link #instantOrDay}, {@link #instantOrLocal}); every other value
 * is an {@link IllegalArgumentException} whose message quotes the value and says what
 * would be read.
 * <p>
 * Every kind is bounded to dates from {@value #FIRST_DAY} up to, not including,
 * {@value #END_DAY}: a day's margin at each end keeps every zone's local date within the
 * years 1 to 9999 that the time object can write.
 */
public final class TimeArgument {

	/** The first date accepted, in UTC for an instant, local for a local date-time. */
	public static final String FIRST_DAY = "0001-01-02";

	/** The first date no longer accepted. */
	public static final String END_DAY = "9999-12-31";

	private static final LocalDate FIRST_DATE = LocalDate.parse(FIRST_DAY);

	private static final LocalDate END_DATE = LocalDate.parse(END_DAY);

	/** The earliest instant accepted. */
	public static final Instant EARLIEST = FIRST_DATE.atStartOfDay().toInstant(ZoneOffset.UTC);

	/** The first instant no longer accepted. */
	public static final Instant END = END_DATE.atStartOfDay().toInstant(ZoneOffset.UTC);

	private static final String INSTANT = "expected an ISO-8601 instant with Z or an offset "
			+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)";

	private static final String INSTANT_OR_DAY = "expected an ISO-8601 instant with Z or an offset "
			+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00), epoch seconds (1774747800) or a date (2026-03-29)";

	private static final String INSTANT_OR_LOCAL = "expected a local date-time (2026-03-29T02:30), "
			+ "or an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z) or epoch seconds (1774747800)";

	private static final String OUT_OF_RANGE = "out of range; times from " + FIRST_DAY + " up to " + END_DAY
			+ " (UTC for an instant) are answered";

	/** Longer values are quoted cut short. */
	private static final int QUOTE_LIMIT = 64;

	/** Longer values are no time at all: the longest ISO form has about 40 characters. */
	private static final int MAX_LENGTH = 64;

	private static final Pattern EPOCH_SECONDS = Pattern.compile("-?\\d{1,20}(\\.\\d{1,30})?");

	/**
	 * An offset whose {@code +} a query string decoded to a space:
	 * {@code 2026-03-29T03:30:00 02:00}.
	 */
	private static final Pattern SPACED_OFFSET = Pattern
		.compile("(\\d{4,}-\\d\\d-\\d\\d[Tt][\\d:.]+) (\\d\\d(:?\\d\\d)?)");

	/**
	 * A year of five digits or more, which ISO-8601 writes only with a sign: out of range
	 * rather than unreadable.
	 */
	private static final Pattern LONG_YEAR = Pattern.compile("[+-]?\\d{5,}-\\d\\d-.*");

	private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

	private TimeArgument() {
	}

	/** What a parameter was read as. */
	public sealed interface Value {

	}

	/**
	 * An instant.
	 *
	 * @param instant the instant
	 */
	public record Exact(Instant instant) implements Value {
	}

	/**
	 * A local date-time: no instant until a zone is said.
	 *
	 * @param dateTime the date-time
	 */
	public record Local(LocalDateTime dateTime) implements Value {
	}

	/**
	 * A date.
	 *
	 * @param date the date
	 */
	public record Day(LocalDate date) implements Value {
	}

	/**
	 * Reads an instant: ISO-8601 with {@code Z} or an offset, or epoch seconds.
	 * @param name the parameter, for the message
	 * @param value what the request sent
	 * @return the instant
	 * @throws IllegalArgumentException for anything else, a local date-time or a date
	 * included, or a time out of range
	 */
	public static Instant instant(String name, String value) {
		return switch (parse(name, value, INSTANT)) {
			case Exact exact -> exact.instant();
			case Local _ -> throw noOffset(name, value);
			case Day day -> throw unreadable(name, value,
					"a date names no instant; give a time and Z or an offset, such as " + day.date() + "T00:00:00Z");
		};
	}

	/**
	 * Reads an instant, or a date as its start in UTC.
	 * @param name the parameter, for the message
	 * @param value what the request sent
	 * @return the instant
	 * @throws IllegalArgumentException for anything else, a local date-time included, or
	 * a time out of range
	 */
	public static Instant instantOrDay(String name, String value) {
		return switch (parse(name, value, INSTANT_OR_DAY)) {
			case Exact exact -> exact.instant();
			case Day day -> day.date().atStartOfDay().toInstant(ZoneOffset.UTC);
			case Local _ -> throw noOffset(name, value);
		};
	}

	/**
	 * Reads an instant or a local date-time.
	 * @param name the parameter, for the message
	 * @param value what the request sent
	 * @return an {@link Exact} or a {@link Local}
	 * @throws IllegalArgumentException for anything else, a date alone included, or a
	 * time out of range
	 */
	public static Value instantOrLocal(String name, String value) {
		Value read = parse(name, value, INSTANT_OR_LOCAL);
		if (read instanceof Day day) {
			throw unreadable(name, value, "a date alone is no date-time; add a time, such as " + day.date() + "T12:00");
		}
		return read;
	}

	private static Value parse(String name, String value, String expected) {
		if (value.length() > MAX_LENGTH) {
			throw unreadable(name, value, expected);
		}
		Value read = read(value);
		if (read == null) {
			throw unreadable(name, value, LONG_YEAR.matcher(value).matches() ? OUT_OF_RANGE : expected);
		}
		if (!inRange(read)) {
			throw unreadable(name, value, OUT_OF_RANGE);
		}
		return read;
	}

	private static @Nullable Value read(String value) {
		Matcher spaced = SPACED_OFFSET.matcher(value);
		String text = spaced.matches() ? spaced.group(1) + "+" + spaced.group(2) : value;
		try {
			return new Exact(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
		}
		catch (DateTimeParseException ex) {
			// Not an instant with an offset: one of the others, or nothing.
		}
		try {
			return new Local(LocalDateTime.parse(value, DateTimeFormatter.ISO_LOCAL_DATE_TIME));
		}
		catch (DateTimeParseException ex) {
			// Not a local date-time.
		}
		try {
			return new Day(LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE));
		}
		catch (DateTimeParseException ex) {
			// Not a date.
		}
		return EPOCH_SECONDS.matcher(value).matches() ? epochSeconds(new BigDecimal(value)) : null;
	}

	/**
	 * Seconds since the epoch, fractions to the nanosecond (further digits dropped); null
	 * when no instant is that far.
	 */
	private static @Nullable Value epochSeconds(BigDecimal seconds) {
		BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
		long nanos = seconds.subtract(whole).multiply(NANOS_PER_SECOND).setScale(0, RoundingMode.FLOOR).longValue();
		if (whole.compareTo(BigDecimal.valueOf(Instant.MIN.getEpochSecond())) < 0
				|| whole.compareTo(BigDecimal.valueOf(Instant.MAX.getEpochSecond())) > 0) {
			return new Exact(whole.signum() < 0 ? Instant.MIN : Instant.MAX);
		}
		try {
			return new Exact(Instant.ofEpochSecond(whole.longValueExact(), nanos));
		}
		catch (DateTimeException | ArithmeticException ex) {
			return null;
		}
	}

	private static boolean inRange(Value read) {
		return switch (read) {
			case Exact exact -> !exact.instant().isBefore(EARLIEST) && exact.instant().isBefore(END);
			case Local local -> inRange(local.dateTime().toLocalDate());
			case Day day -> inRange(day.date());
		};
	}

	private static boolean inRange(LocalDate date) {
		return !date.isBefore(FIRST_DATE) && date.isBefore(END_DATE);
	}

	private static IllegalArgumentException noOffset(String name, String value) {
		return unreadable(name, value,
				"a date-time without Z or an offset names no instant; add one, such as " + quote(value) + "Z for UTC");
	}

	private static IllegalArgumentException unreadable(String name, String value, String why) {
		return new IllegalArgumentException("cannot read " + name + "='" + quote(value) + "': " + why);
	}

	private static String quote(String value) {
		return (value.length() <= QUOTE_LIMIT) ? value : value.substring(0, QUOTE_LIMIT) + "...";
	}

}
