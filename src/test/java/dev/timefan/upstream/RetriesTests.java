package dev.timefan.upstream;

import java.net.ConnectException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@link Retries} calls the upstream again: jittered exponential backoff or
 * {@code Retry-After}, never past the deadline, never for an answer that another call
 * would not change, never past the attempts allowed.
 */
class RetriesTests {

	private static final long PLENTY = Duration.ofMinutes(1).toNanos();

	/** Backoff 100 ms, doubled per attempt, capped at 300 ms; up to 50 attempts. */
	private final Retries retries = new Retries(50, Duration.ofMillis(100), Duration.ofMillis(300));

	@ParameterizedTest(name = "after attempt {0}: {1} to {2} ms")
	@CsvSource(textBlock = """
			1,  50, 100
			2, 100, 200
			3, 150, 300
			4, 150, 300
			49, 150, 300
			""")
	void backoffIsJitteredBetweenHalfAndAllOfTheDoubledCappedWait(int attempt, long minMillis, long maxMillis) {
		Set<Duration> delays = new HashSet<>();
		for (int i = 0; i < 1_000; i++) {
			Duration delay = this.retries.delayAfter(attempt, UpstreamFailure.status(503, null), PLENTY);
			assertThat(delay).isBetween(Duration.ofMillis(minMillis), Duration.ofMillis(maxMillis));
			delays.add(delay);
		}
		assertThat(delays).as("jittered").hasSizeGreaterThan(100);
	}

	@Test
	void retryAfterIsHonouredEvenAboveTheMaximumBackoff() {
		UpstreamFailure failure = UpstreamFailure.status(429, Duration.ofSeconds(5));
		assertThat(this.retries.delayAfter(1, failure, PLENTY)).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.retries.delayAfter(1, UpstreamFailure.status(503, Duration.ZERO), PLENTY))
			.isEqualTo(Duration.ZERO);
	}

	@Test
	void retryAfterThatDoesNotEndBeforeTheDeadlineIsRefused() {
		UpstreamFailure failure = UpstreamFailure.status(429, Duration.ofSeconds(5));
		assertThat(this.retries.delayAfter(1, failure, Duration.ofSeconds(5).toNanos())).isNull();
		assertThat(this.retries.delayAfter(1, failure, Duration.ofSeconds(4).toNanos())).isNull();
		assertThat(this.retries.delayAfter(1, failure, Duration.ofSeconds(5).plusMillis(1).toNanos()))
			.isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void backoffThatDoesNotEndBeforeTheDeadlineIsRefused() {
		UpstreamFailure failure = UpstreamFailure.io(new ConnectException("Connection refused"));
		assertThat(this.retries.delayAfter(1, failure, Duration.ofMillis(49).toNanos())).isNull();
		assertThat(this.retries.delayAfter(1, failure, 0)).isNull();
		assertThat(this.retries.delayAfter(1, failure, -1)).isNull();
	}

	@ParameterizedTest(name = "HTTP {0}")
	@CsvSource({ "400", "401", "403", "404", "301", "304" })
	void clientErrorsAndOtherStatusesAreNotRetriedWhateverRetryAfterSays(int status) {
		assertThat(this.retries.delayAfter(1, UpstreamFailure.status(status, null), PLENTY)).isNull();
		assertThat(this.retries.delayAfter(1, UpstreamFailure.status(status, Duration.ofSeconds(1)), PLENTY)).isNull();
	}

	@Test
	void invalidBodyIsNotRetried() {
		assertThat(this.retries.delayAfter(1, UpstreamFailure.notATimeObject("null", new byte[0]), PLENTY)).isNull();
	}

	@ParameterizedTest(name = "HTTP {0}")
	@CsvSource({ "429", "500", "502", "503", "504", "599" })
	void serverErrorsAndTooManyRequestsAreRetried(int status) {
		assertThat(this.retries.delayAfter(1, UpstreamFailure.status(status, null), PLENTY)).isNotNull();
	}

	@Test
	void brokenCallsAndTimeoutsAreRetried() {
		assertThat(this.retries.delayAfter(1, UpstreamFailure.io(new ConnectException("refused")), PLENTY)).isNotNull();
		assertThat(this.retries.delayAfter(1, UpstreamFailure.timeout(Duration.ofSeconds(2)), PLENTY)).isNotNull();
	}

	@Test
	void noRetryOnceTheAttemptsAreSpent() {
		Retries three = new Retries(3, Duration.ofMillis(100), Duration.ofSeconds(1));
		UpstreamFailure failure = UpstreamFailure.status(503, Duration.ofMillis(10));
		assertThat(three.delayAfter(1, failure, PLENTY)).isNotNull();
		assertThat(three.delayAfter(2, failure, PLENTY)).isNotNull();
		assertThat(three.delayAfter(3, failure, PLENTY)).isNull();
		assertThat(three.delayAfter(4, failure, PLENTY)).isNull();
	}

	@Test
	void oneAttemptIsNeverRetried() {
		Retries one = new Retries(1, Duration.ofMillis(100), Duration.ofSeconds(1));
		assertThat(one.delayAfter(1, UpstreamFailure.status(503, null), PLENTY)).isNull();
	}

}
