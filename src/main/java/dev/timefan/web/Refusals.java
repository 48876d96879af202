package dev.timefan.web;

import java.io.IOException;
import java.util.OptionalLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.BadRequestException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Requests Tomcat refuses, at a limit or as malformed: the status and detail each is
 * answered with, and its one log line, a WARN naming the method, the path and the cause,
 * never a stack trace, a header's value or a query string. One logger for every refusal,
 * whether Tomcat or Spring MVC saw it, so that an operator tunes them together
 * ({@code logging.level.dev.timefan.web.Refusals}).
 */
final class Refusals {

	private static final Log log = LogFactory.getLog(Refusals.class);

	/** The advice for a GET batch too large for a request line. */
	static final String POST_INSTEAD = "to ask for a large batch, POST the zone names as a JSON array "
			+ "(such as [\"Asia/Kolkata\",\"Europe/Paris\"]) to /{strategy}/time instead";

	/** How to ask for a batch without a parameter per zone. */
	static final String BATCH_ADVICE = "give a batch as one comma list (?zones=Asia/Kolkata,Europe/Paris); "
			+ POST_INSTEAD;

	/** The most characters of a path the log shows. */
	private static final int PATH_LIMIT = 120;

	private Refusals() {
	}

	/**
	 * What Tomcat refused when it could not parse the parameters, from its message (which
	 * names no parameter here) and its cause; the status is the one Tomcat gives it: 400,
	 * or 413 for a form body over {@code server.tomcat.max-http-form-post-size}.
	 * @param ex what Tomcat threw
	 * @return the refusal in the caller's terms
	 */
	static Refusal ofParameters(InvalidParameterException ex) {
		if (ex.getErrorCode() == HttpStatus.CONTENT_TOO_LARGE.value()) {
			return new Refusal(ex.getErrorCode(),
					"the form body is larger than accepted (server.tomcat.max-http-form-post-size)");
		}
		int status = HttpStatus.BAD_REQUEST.value();
		OptionalLong limit = TomcatMessages.number(TomcatMessages.HTTP, "parameters.maxCountFail", ex.getMessage());
		if (limit.isPresent()) {
			return new Refusal(status, "more than " + limit.getAsLong() + " query parameters", BATCH_ADVICE);
		}
		if (ex.getCause() instanceof BadRequestException) {
			return new Refusal(status, "the form body could not be read");
		}
		if (ex.getCause() instanceof IOException) {
			return new Refusal(status, "a parameter is not valid percent-encoded UTF-8");
		}
		return new Refusal(status, "a parameter is malformed");
	}

	/**
	 * A 400 of Tomcat's for more header fields or cookies than it accepts, as 431.
	 * @param message Tomcat's message
	 * @return the refusal, or null when the message is another
	 */
	static @Nullable Refusal ofCounts(@Nullable String message) {
		int status = HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.value();
		OptionalLong headers = TomcatMessages.number(TomcatMessages.HTTP, "headers.maxCountFail", message);
		if (headers.isPresent()) {
			return new Refusal(status, "more than " + headers.getAsLong() + " request header fields");
		}
		OptionalLong cookies = TomcatMessages.number(TomcatMessages.HTTP, "cookies.maxCountFail", message);
		if (cookies.isPresent()) {
			return new Refusal(status, "more than " + cookies.getAsLong() + " cookies");
		}
		return null;
	}

	/**
	 * Logs a refusal.
	 * @param method the request's method, if Tomcat read it
	 * @param path the request's path as it arrived, if Tomcat read it
	 * @param refusal what was refused
	 */
	static void log(@Nullable String method, @Nullable String path, Refusal refusal) {
		log(method, path, refusal.cause());
	}

	/**
	 * Logs a refusal.
	 * @param method the request's method, if Tomcat read it
	 * @param path the request's path as it arrived, if Tomcat read it
	 * @param cause what was refused, in the caller's terms
	 */
	static void log(@Nullable String method, @Nullable String path, String cause) {
		if (!log.isWarnEnabled()) {
			return;
		}
		StringBuilder line = new StringBuilder("Refused");
		if (method != null && !method.isEmpty()) {
			line.append(' ').append(printable(method, PATH_LIMIT));
		}
		if (path != null && !path.isEmpty()) {
			line.append(' ').append(printable(path, PATH_LIMIT));
		}
		log.warn(line.append(": ").append(cause));
	}

	/**
	 * What a caller sent, fit for one log line: at most {@code limit} characters,
	 * anything but printable ASCII shown as {@code ?}.
	 */
	private static String printable(String value, int limit) {
		StringBuilder printable = new StringBuilder(Math.min(value.length(), limit + 3));
		for (int i = 0; i < value.length() && i < limit; i++) {
			char c = value.charAt(i);
			printable.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return (value.length() > limit) ? printable.append("...").toString() : printable.toString();
	}

	/**
	 * A refused request's status, what was refused (for the log and the caller) and what
	 * to do instead (for the caller only).
	 *
	 * @param status the status answered
	 * @param cause what was refused, naming the limit
	 * @param advice what to do instead, if anything
	 */
	record Refusal(int status, String cause, @Nullable String advice) {

		Refusal(int status, String cause) {
			this(status, cause, null);
		}

		/**
		 * The problem's detail: the cause, then the advice.
		 * @return the detail
		 */
		String detail() {
			return (this.advice != null) ? this.cause + "; " + this.advice : this.cause;
		}

	}

}
