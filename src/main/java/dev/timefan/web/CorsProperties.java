package dev.timefan.web;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which web pages on other origins may call timefan's read-only API from a browser
 * (CORS): {@code /api/**} (GET), and the fan-out and comparison endpoints
 * ({@code /time/**}, {@code /{strategy}/time/**}, {@code /compare/time}: GET and POST).
 * Open to every origin by default, like worldtimeapi.org: nothing here carries
 * credentials, and no cookie or session is ever read.
 *
 * @param allowedOrigins the origins allowed: {@code *} for all (answered with
 * {@code Access-Control-Allow-Origin: *}), or origins such as
 * {@code https://clock.example.org}, with {@code *} as a wildcard in the host or port
 * ({@code https://*.example.org}, {@code http://localhost:[*]}); an empty list refuses
 * every cross-origin request. A request from an origin not allowed is refused with 403.
 * @param maxAge how long a browser may cache the answer to a preflight request
 */
@ConfigurationProperties(CorsProperties.PREFIX)
record CorsProperties(@DefaultValue("*") List<String> allowedOrigins, @DefaultValue("30m") Duration maxAge) {

	static final String PREFIX = "timefan.cors";

	static final String ALL = "*";

	/** A scheme, then a host and optional port, with no path: what a browser sends. */
	private static final Pattern ORIGIN = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+");

	CorsProperties {
		allowedOrigins = List.copyOf(allowedOrigins);
		for (String origin : allowedOrigins) {
			if (!origin.equals(ALL) && !ORIGIN.matcher(origin).matches()) {
				throw new IllegalArgumentException(PREFIX + ".allowed-origins: '" + origin
						+ "' is not * or an origin such as https://clock.example.org (a scheme and a host, "
						+ "optionally a port, no path)");
			}
		}
		if (maxAge.isNegative()) {
			throw new IllegalArgumentException(PREFIX + ".max-age must not be negative, got " + maxAge);
		}
	}

	/**
	 * Whether every origin is allowed.
	 * @return true when the list holds {@code *}
	 */
	boolean allowsAll() {
		return this.allowedOrigins.contains(ALL);
	}

}
