package dev.timefan.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedRuntimeException;

/**
 * Why one call to the upstream gave no time object, and whether another call may.
 */
final class UpstreamFailure extends Exception {

	private final boolean retryable;

	private final @Nullable Duration retryAfter;

	private UpstreamFailure(String message, boolean retryable, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(message, cause, false, false);
		this.retryable = retryable;
		this.retryAfter = retryAfter;
	}

	/**
	 * An answer that is not 2xx: 5xx and 429 may be retried, after {@code Retry-After}
	 * when it says.
	 */
	static UpstreamFailure status(int status, @Nullable Duration retryAfter) {
		return new UpstreamFailure("answered HTTP " + status, status >= 500 || status == 429, retryAfter, null);
	}

	/** No connection, or it broke: may be retried. */
	static UpstreamFailure io(Throwable cause) {
		return new UpstreamFailure("call failed: " + describe(cause), true, null, cause);
	}

	/** No whole answer within the call timeout: may be retried. */
	static UpstreamFailure timeout(Duration callTimeout) {
		return new UpstreamFailure("gave no answer within " + callTimeout.toMillis() + " ms", true, null, null);
	}

	/** A 2xx answer that is not a time object for the zone: not retried. */
	static UpstreamFailure invalidBody(String why) {
		return new UpstreamFailure("answered an invalid time object: " + why, false, null, null);
	}

	boolean retryable() {
		return this.retryable;
	}

	@Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * The first cause below Spring's wrappers: ConnectException, not
	 * ResourceAccessException.
	 */
	private static String describe(Throwable cause) {
		Throwable first = cause;
		while (first instanceof NestedRuntimeException && first.getCause() != null) {
			first = first.getCause();
		}
		String message = first.getMessage();
		return jdkType(first.getClass()) + ((message != null) ? " (" + message + ")" : "");
	}

	/**
	 * Named as the JDK names it: Netty's AnnotatedConnectException is a ConnectException.
	 */
	private static String jdkType(Class<?> type) {
		Class<?> named = type;
		while (!named.getName().startsWith("java.") && named.getSuperclass() != null) {
			named = named.getSuperclass();
		}
		return named.getSimpleName();
	}

}
