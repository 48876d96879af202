package dev.timefan.fanout;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request shed whole because its strategy was at capacity: 503 problem+json with
 * {@code Retry-After}.
 */
public final class Shed extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	private final String strategy;

	private final Limit limit;

	Shed(String strategy, Limit limit, String detail, long retryAfterSeconds) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail, retryAfterSeconds), null);
		this.strategy = strategy;
		this.limit = limit;
		getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
	}

	private static ProblemDetail problem(String detail, long retryAfterSeconds) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				detail + "; retry after " + retryAfterSeconds + " s");
		body.setType(URI.create("urn:timefan:problem:overloaded"));
		body.setTitle("Service Unavailable");
		return body;
	}

	String strategy() {
		return this.strategy;
	}

	Limit limit() {
		return this.limit;
	}

	/** Which cap shed the request. */
	enum Limit {

		/** The requests in flight. */
		BATCHES,

		/** The zones in flight. */
		ITEMS,

		/**
		 * The time the zones in flight take to drain at the strategy's recent rate.
		 */
		BACKLOG;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
