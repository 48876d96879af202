package dev.timefan.fanout;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The problem documents (RFC 9457) of the fan-out endpoints, and of the endpoints beside
 * them that take the same zone names and times ({@code zones}). Each is an
 * {@link ErrorResponseException}, which Spring MVC writes as
 * {@code application/problem+json}.
 */
public final class Problems {

	static final String RETRY_AFTER_SECONDS = "1";

	private Problems() {
	}

	/**
	 * A malformed request.
	 * @param detail what is wrong, quoting what was sent
	 * @return the 400 problem
	 */
	public static ErrorResponseException badRequest(String detail) {
		return problem(HttpStatus.BAD_REQUEST, "bad-request", "Malformed request", detail);
	}

	/**
	 * A zone name the catalog does not hold.
	 * @param name the name as asked
	 * @param suggestions the closest names
	 * @return the 404 problem, with its {@code suggestions}
	 */
	public static ErrorResponseException unknownZone(String name, List<String> suggestions) {
		ErrorResponseException ex = problem(HttpStatus.NOT_FOUND, "unknown-zone", "Unknown time zone",
				"unknown time zone '" + Names.shorten(name) + "'");
		ex.getBody().setProperty("suggestions", suggestions);
		return ex;
	}

	/**
	 * A single lookup whose one item failed: the item's status and reason become the
	 * problem's.
	 */
	static ErrorResponseException itemFailed(Outcome outcome) {
		HttpStatus status = HttpStatus.valueOf(outcome.status());
		ErrorResponseException ex = problem(status, slug(status), status.getReasonPhrase(),
				(outcome.error() != null) ? outcome.error() : status.getReasonPhrase());
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			ex.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
		return ex;
	}

	/**
	 * A batch whose every item was unavailable (no worker process could be started): the
	 * items' reason, retry later.
	 */
	static ErrorResponseException unavailable(@Nullable String reason) {
		ErrorResponseException ex = problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service Unavailable",
				((reason != null) ? reason : "no item could be looked up") + "; retry later");
		ex.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		return ex;
	}

	private static String slug(HttpStatus status) {
		return switch (status) {
			case BAD_GATEWAY -> "upstream-failed";
			case SERVICE_UNAVAILABLE -> "unavailable";
			case GATEWAY_TIMEOUT -> "deadline-exceeded";
			default -> "lookup-failed";
		};
	}

	private static ErrorResponseException problem(HttpStatus status, String type, String title, String detail) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
		body.setType(URI.create("urn:timefan:problem:" + type));
		body.setTitle(title);
		return new ErrorResponseException(status, body, null);
	}

}
