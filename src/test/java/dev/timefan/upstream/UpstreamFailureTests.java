package dev.timefan.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.stream.Stream;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What a failed call tells callers and what it tells operators: its message is one of a
 * fixed vocabulary in the caller's terms, its detail names the exceptions and the
 * address.
 */
class UpstreamFailureTests {

	private static final String ADDRESS = "upstream.internal/10.0.0.7:8081";

	static Stream<Arguments> brokenCalls() {
		return Stream.of(arguments(new ConnectException("Connection refused: " + ADDRESS), UpstreamFailure.REFUSED),
				arguments(new HttpConnectTimeoutException("HTTP connect timed out " + ADDRESS),
						UpstreamFailure.UNREACHABLE),
				arguments(new NoRouteToHostException("No route to host " + ADDRESS), UpstreamFailure.UNREACHABLE),
				arguments(new UnknownHostException(ADDRESS), UpstreamFailure.UNREACHABLE),
				arguments(new IOException("HTTP/1.1 header parser received no bytes from " + ADDRESS),
						UpstreamFailure.BROKEN),
				arguments(new EOFException("EOF reached while reading " + ADDRESS), UpstreamFailure.BROKEN),
				arguments(new IllegalStateException("connection reset " + ADDRESS), UpstreamFailure.BROKEN));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("brokenCalls")
	void brokenCallSaysWhatFailedToCallersAndHowToOperators(Exception cause, String reason) {
		assertCallerAndOperator(UpstreamFailure.io(cause), cause, reason);
		ResourceAccessException wrapped = new ResourceAccessException(
				"I/O error on GET request for \"http://" + ADDRESS + "/api/timezone/UTC\": " + cause.getMessage(),
				(cause instanceof IOException io) ? io : new IOException(cause));
		assertCallerAndOperator(UpstreamFailure.io(wrapped), cause, reason);
	}

	private static void assertCallerAndOperator(UpstreamFailure failure, Exception cause, String reason) {
		assertThat(failure.getMessage()).isEqualTo(reason).doesNotContain(ADDRESS, "Exception");
		assertThat(failure.detail()).contains(cause.getClass().getName(), ADDRESS);
		assertThat(failure.retryable()).isTrue();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void eachFailedCallIsLoggedForOperatorsAtDebugOnly(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		String logger = UpstreamFailure.class.getName();
		UpstreamFailure failure = UpstreamFailure.io(new ConnectException("Connection refused: " + ADDRESS));
		Zone kolkata = ZoneCatalog.load().find("Asia/Kolkata");
		URI baseUrl = URI.create("http://upstream.internal:8081/api");
		try {
			logging.setLogLevel(logger, LogLevel.INFO);
			failure.logAttempt(baseUrl, kolkata, 1);
			assertThat(output.getAll()).doesNotContain(ADDRESS);

			logging.setLogLevel(logger, LogLevel.DEBUG);
			failure.logAttempt(baseUrl, kolkata, 2);
			assertThat(output.getAll().lines().filter((line) -> line.contains(ADDRESS))).singleElement()
				.satisfies((line) -> assertThat(line).contains("DEBUG",
						"Upstream http://upstream.internal:8081/api failed Asia/Kolkata (attempt 2): "
								+ "upstream refused the connection; java.net.ConnectException: Connection refused: "
								+ ADDRESS));
		}
		finally {
			logging.setLogLevel(logger, null);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("otherFailures")
	void everyOtherFailureSaysWhatFailedInWords(UpstreamFailure failure, String reason, String detail) {
		assertThat(failure.getMessage()).isEqualTo(reason);
		assertThat(failure.detail()).isEqualTo(detail);
	}

	static Stream<Arguments> otherFailures() {
		return Stream.of(
				arguments(UpstreamFailure.timeout(Duration.ofSeconds(2)), "upstream gave no answer within 2000 ms",
						"no whole answer within 2000 ms"),
				arguments(UpstreamFailure.unreachable(new ConnectException("connection timed out: " + ADDRESS)),
						"upstream could not be reached", "java.net.ConnectException: connection timed out: " + ADDRESS),
				arguments(UpstreamFailure.tooLarge(65536), "upstream answer was too large", "a body over 65536 bytes"),
				arguments(UpstreamFailure.status(502, null, "bad gateway\n".getBytes()), "upstream answered HTTP 502",
						"HTTP 502; body of 12 bytes: 'bad gateway\\u000a'"));
	}

}
