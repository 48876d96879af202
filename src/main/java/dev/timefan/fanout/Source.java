package dev.timefan.fanout;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where one zone's time comes from.
 */
public enum Source {

	/** The tz database release this service ships. */
	LOCAL,

	/** A worldtimeapi-compatible HTTP API. */
	UPSTREAM,

	/** The upstream failed and the local tz database answered. */
	FALLBACK;

	/**
	 * Lower-cased once: it tags a meter per item and names the source in every answer.
	 */
	private final String wireName = name().toLowerCase(Locale.ROOT);

	/**
	 * The source a request names, case-insensitively; {@code fallback} is an answer, not
	 * a request.
	 * @param value the request's {@code source} parameter
	 * @return the source
	 * @throws IllegalArgumentException for anything but {@code local} or {@code upstream}
	 */
	public static Source requested(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "local" -> LOCAL;
			case "upstream" -> UPSTREAM;
			default -> throw new IllegalArgumentException(
					"unknown source '" + Names.shorten(value) + "': expected local or upstream");
		};
	}

	@JsonValue
	public String wireName() {
		return this.wireName;
	}

}
