package dev.timefan.upstream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * When to call the upstream again, shared by the blocking and the reactive client:
 * exponential backoff with jitter, or the upstream's {@code Retry-After}, and never a
 * wait that outlasts the batch deadline.
 *
 * @param maxAttempts the calls made at most, the first included
 * @param backoff the wait before the first retry, doubled for each next one
 * @param maxBackoff the cap of the computed wait
 */
record Retries(int maxAttempts, Duration backoff, Duration maxBackoff) {

	static Retries of(UpstreamProperties properties) {
		return new Retries(properties.maxAttempts(), properties.backoff(), properties.maxBackoff());
	}

	/**
	 * The wait before the next attempt, or null to give up.
	 * @param attempt the attempts made so far, at least 1
	 * @param failure how the last one failed
	 * @param remainingNanos the time left before the batch deadline
	 * @return the wait, or null when the failure is not retryable, the attempts are
	 * spent, or the wait (plus a call) cannot fit before the deadline
	 */
	@Nullable Duration delayAfter(int attempt, UpstreamFailure failure, long remainingNanos) {
		if (!failure.retryable() || attempt >= this.maxAttempts) {
			return null;
		}
		Duration retryAfter = failure.retryAfter();
		Duration delay = (retryAfter != null) ? retryAfter : jittered(attempt);
		return (delay.toNanos() < remainingNanos) ? delay : null;
	}

	/** Between half and all of {@code min(maxBackoff, backoff * 2^(attempt - 1))}. */
	private Duration jittered(int attempt) {
		long cap = Math.min(this.maxBackoff.toNanos(), this.backoff.toNanos() << Math.min(attempt - 1, 20));
		long half = cap / 2;
		return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
	}

}
