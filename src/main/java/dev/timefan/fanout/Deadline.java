package dev.timefan.fanout;

import java.time.Duration;

/**
 * When a batch must be answered by, on the {@link System#nanoTime()} scale.
 *
 * @param atNanos the deadline on the nano-time scale
 * @param timeout the timeout it was made from, for error messages
 */
public record Deadline(long atNanos, Duration timeout) {

	/**
	 * A deadline {@code timeout} from now.
	 * @param timeout the time allowed
	 * @return the deadline
	 */
	public static Deadline after(Duration timeout) {
		return new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
	}

	/**
	 * The nanoseconds left, zero or negative once passed.
	 * @return the time left
	 */
	public long remainingNanos() {
		return this.atNanos - System.nanoTime();
	}

}
