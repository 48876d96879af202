package dev.timefan.upstream;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.timefan.time.Zone;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Why one call to the upstream gave no time object, and whether another call may.
 * <p>
 * A failure speaks twice. Its {@linkplain #getMessage() message} is what callers see (an
 * item's error, a problem's detail, the health component's error): what failed in their
 * terms, one of a fixed vocabulary, never an exception's name, an address or the
 * upstream's words:
 * <ul>
 * <li>{@value #REFUSED}</li>
 * <li>{@value #UNREACHABLE}</li>
 * <li>{@value #BROKEN}</li>
 * <li>{@code upstream gave no answer within 2000 ms} (the call timeout)</li>
 * <li>{@code upstream answered HTTP 503} (any status but 2xx)</li>
 * <li>{@value #NOT_A_TIME_OBJECT}</li>
 * <li>{@value #WRONG_ZONE}</li>
 * <li>{@value #TOO_LARGE}</li>
 * </ul>
 * Its {@linkplain #detail() detail} is for operators: the exceptions, the address, a
 * fragment of the body. {@link #logAttempt} writes it at DEBUG.
 */
final class UpstreamFailure extends Exception {

	static final String REFUSED = "upstream refused the connection";

	static final String UNREACHABLE = "upstream could not be reached";

	static final String BROKEN = "upstream connection broke";

	static final String NOT_A_TIME_OBJECT = "upstream answered something that is not a time object";

	static final String WRONG_ZONE = "upstream answered the time of another zone";

	static final String TOO_LARGE = "upstream answer was too large";

	/** The most of a body an operator's detail quotes. */
	private static final int FRAGMENT = 200;

	private static final Log log = LogFactory.getLog(UpstreamFailure.class);

	private final String detail;

	private final boolean retryable;

	private final @Nullable Duration retryAfter;

	private final CallVerdict verdict;

	private UpstreamFailure(String reason, String detail, boolean retryable, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		this(reason, detail, retryable, retryAfter, cause, CallVerdict.FAILURE);
	}

	private UpstreamFailure(String reason, String detail, boolean retryable, @Nullable Duration retryAfter,
			@Nullable Throwable cause, CallVerdict verdict) {
		super(reason, cause, false, false);
		this.detail = detail;
		this.retryable = retryable;
		this.retryAfter = retryAfter;
		this.verdict = verdict;
	}

	/**
	 * An answer that is not 2xx: 5xx and 429 may be retried, after {@code Retry-After}
	 * when it says.
	 */
	static UpstreamFailure status(int status, @Nullable Duration retryAfter) {
		return status(status, retryAfter, new byte[0]);
	}

	/**
	 * An answer that is not 2xx, with the body it came with: the detail quotes it. A 4xx
	 * other than 429 is about the request, not the upstream's health: its circuit breaker
	 * counts it as an answer.
	 */
	static UpstreamFailure status(int status, @Nullable Duration retryAfter, byte[] body) {
		boolean aboutTheRequest = status >= 400 && status < 500 && status != 429;
		return new UpstreamFailure("upstream answered HTTP " + status, "HTTP " + status + withBody(body),
				status >= 500 || status == 429, retryAfter, null,
				aboutTheRequest ? CallVerdict.SUCCESS : CallVerdict.FAILURE);
	}

	/**
	 * No connection, or it broke: may be retried. Refused, unreachable (no route, no such
	 * host, no connection within the connect timeout) or broken, as the causes say.
	 */
	static UpstreamFailure io(Throwable cause) {
		String reason = causedBy(cause, HttpConnectTimeoutException.class, NoRouteToHostException.class,
				UnknownHostException.class, UnresolvedAddressException.class) ? UNREACHABLE
						: causedBy(cause, ConnectException.class) ? REFUSED : BROKEN;
		return new UpstreamFailure(reason, describe(cause), true, null, cause);
	}

	/**
	 * No connection within the connect timeout, as a client that does not say so with a
	 * JDK type reports it: may be retried.
	 */
	static UpstreamFailure unreachable(Throwable cause) {
		return new UpstreamFailure(UNREACHABLE, describe(cause), true, null, cause);
	}

	/** No whole answer within the call timeout: may be retried. */
	static UpstreamFailure timeout(Duration callTimeout) {
		String within = callTimeout.toMillis() + " ms";
		return new UpstreamFailure("upstream gave no answer within " + within, "no whole answer within " + within, true,
				null, null);
	}

	/**
	 * A 2xx answer that is no time object: not JSON, not the 15 keys, a field that does
	 * not parse. Not retried.
	 * @param why what is wrong with it
	 * @param body the body, quoted in the detail
	 */
	static UpstreamFailure notATimeObject(String why, byte[] body) {
		return new UpstreamFailure(NOT_A_TIME_OBJECT, why + withBody(body), false, null, null);
	}

	/** A time object of a zone other than the one asked. Not retried. */
	static UpstreamFailure wrongZone(@Nullable String answered, Zone asked) {
		return new UpstreamFailure(WRONG_ZONE, "timezone '" + answered + "' is not '" + asked.name() + "'", false, null,
				null);
	}

	/** A body over the limit. Not retried. */
	static UpstreamFailure tooLarge(int limit) {
		return new UpstreamFailure(TOO_LARGE, "a body over " + limit + " bytes", false, null, null);
	}

	/**
	 * What an operator needs to know: the exceptions and their messages (which name the
	 * address), the body or the field at fault.
	 * @return the detail; never shown to callers
	 */
	String detail() {
		return this.detail;
	}

	boolean retryable() {
		return this.retryable;
	}

	@Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * What this failure tells the circuit breaker and the concurrency limit: a failure of
	 * the upstream, or an answer about the request (a 4xx but 429).
	 * @return the verdict
	 */
	CallVerdict verdict() {
		return this.verdict;
	}

	/**
	 * Logs this failure of one call at DEBUG, with its detail: one line per failed call,
	 * which an outage turns into many, so never above DEBUG. The health probe tells
	 * operators of an outage at WARN.
	 * @param baseUrl the upstream asked
	 * @param zone the zone asked
	 * @param attempt which call of the item this was, from 1
	 */
	void logAttempt(URI baseUrl, Zone zone, int attempt) {
		if (log.isDebugEnabled()) {
			log.debug("Upstream " + baseUrl + " failed " + zone.name() + " (attempt " + attempt + "): " + getMessage()
					+ "; " + this.detail);
		}
	}

	/**
	 * Whether an exception or any of its causes is of one of the types.
	 * @param ex the exception
	 * @param types the types
	 * @return true when one in the chain is
	 */
	static boolean causedBy(Throwable ex, Class<?>... types) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			for (Class<?> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

	/** Every exception of the chain with its message, outermost first. */
	private static String describe(Throwable ex) {
		StringBuilder chain = new StringBuilder();
		for (Throwable cause = ex; cause != null && chain.length() < 2000; cause = cause.getCause()) {
			if (!chain.isEmpty()) {
				chain.append("; caused by ");
			}
			chain.append(cause.getClass().getName());
			if (cause.getMessage() != null) {
				chain.append(": ").append(cause.getMessage());
			}
		}
		return printable(chain.toString());
	}

	/** The start of a body, one line, for an operator's log; empty when there is none. */
	private static String withBody(byte[] body) {
		if (body.length == 0) {
			return "";
		}
		String start = new String(body, 0, Math.min(body.length, FRAGMENT), StandardCharsets.UTF_8);
		return "; body of " + body.length + " bytes: '" + printable(start) + ((body.length > FRAGMENT) ? "...'" : "'");
	}

	/** No line breaks or other controls: an upstream must not forge log lines. */
	private static String printable(String text) {
		StringBuilder out = new StringBuilder(text.length());
		text.codePoints().forEach((c) -> {
			if (Character.isISOControl(c)) {
				out.append(String.format("\\u%04x", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out.toString();
	}

}
