package dev.timefan.upstream;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

import dev.timefan.time.TimeObject;
import dev.timefan.time.Zone;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * One answer of the upstream, as either client received it, and what it means: a time
 * object for the zone asked, or an {@link UpstreamFailure} that tells callers what was
 * wrong in its own words and quotes the body only in its detail, for operators.
 *
 * @param status the HTTP status
 * @param retryAfter the {@code Retry-After} header, if any
 * @param body the body, at most {@link #MAX_BODY} bytes read
 */
record Reply(int status, @Nullable String retryAfter, byte[] body) {

	/** The largest body read: a time object is about 400 bytes. */
	static final int MAX_BODY = 64 * 1024;

	private static final Pattern UTC_OFFSET = Pattern.compile("[+-]\\d{2}:\\d{2}");

	private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");

	/**
	 * A reader that insists on every field of the time object: a compatible upstream
	 * writes all 15, nulls included, and may add more.
	 * @param mapper the application's mapper
	 * @return the reader
	 */
	static ObjectReader reader(JsonMapper mapper) {
		return mapper.readerFor(TimeObject.class)
			.with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
					DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	/**
	 * The time object this answer carries for a zone, with the caller's address as its
	 * {@code client_ip} (the upstream saw this service's).
	 * @param zone the zone asked
	 * @param clientIp the caller's address
	 * @param reader from {@link #reader}
	 * @return the time object
	 * @throws UpstreamFailure for a status other than 2xx, a body over the limit, a body
	 * that is not a valid time object, or the time object of another zone
	 */
	TimeObject read(Zone zone, String clientIp, ObjectReader reader) throws UpstreamFailure {
		if (this.status < 200 || this.status > 299) {
			throw UpstreamFailure.status(this.status, retryAfter(this.retryAfter), this.body);
		}
		if (this.body.length > MAX_BODY) {
			throw UpstreamFailure.tooLarge(MAX_BODY);
		}
		TimeObject time;
		try {
			time = reader.readValue(this.body);
		}
		catch (JacksonException ex) {
			throw UpstreamFailure.notATimeObject(ex.getOriginalMessage(), this.body);
		}
		if (time == null) {
			throw UpstreamFailure.notATimeObject("null", this.body);
		}
		validate(zone, time, this.body);
		return time.withClientIp(clientIp);
	}

	/**
	 * The longest abbreviation accepted: the tz database's are at most six characters
	 * ({@code +0545}, {@code ChST}); a longer one is no time object, and would not fit a
	 * worker's result frame were it large.
	 */
	private static final int MAX_ABBREVIATION = 10;

	private static void validate(Zone zone, TimeObject time, byte[] body) throws UpstreamFailure {
		if (time.timezone() == null || !time.timezone().equalsIgnoreCase(zone.name())) {
			throw UpstreamFailure.wrongZone(time.timezone(), zone);
		}
		if (time.utcOffset() == null || !UTC_OFFSET.matcher(time.utcOffset()).matches()) {
			throw UpstreamFailure.notATimeObject("utc_offset '" + time.utcOffset() + "'", body);
		}
		if (time.abbreviation() == null || time.abbreviation().length() > MAX_ABBREVIATION) {
			throw UpstreamFailure.notATimeObject("abbreviation '" + time.abbreviation() + "'", body);
		}
		timestamp("datetime", time.datetime(), body);
		timestamp("utc_datetime", time.utcDatetime(), body);
		if (time.dstFrom() != null) {
			timestamp("dst_from", time.dstFrom(), body);
		}
		if (time.dstUntil() != null) {
			timestamp("dst_until", time.dstUntil(), body);
		}
	}

	private static void timestamp(String field, @Nullable String value, byte[] body) throws UpstreamFailure {
		if (value == null) {
			throw UpstreamFailure.notATimeObject(field + " is null", body);
		}
		try {
			OffsetDateTime.parse(value);
		}
		catch (DateTimeException ex) {
			throw UpstreamFailure.notATimeObject(field + " '" + value + "'", body);
		}
	}

	/**
	 * {@code Retry-After} in either form: delay-seconds or an HTTP-date.
	 * @param value the header
	 * @return the wait it asks for, or null when absent or unreadable
	 */
	static @Nullable Duration retryAfter(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		if (SECONDS.matcher(trimmed).matches()) {
			return Duration.ofSeconds(Long.parseLong(trimmed));
		}
		try {
			Duration until = Duration.between(Instant.now(),
					ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return until.isNegative() ? Duration.ZERO : until;
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

}
