package dev.timefan.worldtimeapi;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Makes {@code /api/timezone...} behave like a slow, flaky upstream, for a timefan
 * instance that uses this one as its upstream. All zero (the default) is off: no delay,
 * no failure, no filter in the request path.
 *
 * @param latency the delay added to every answer
 * @param jitter the most extra delay added on top of the latency, drawn uniformly from 0
 * to this for each answer
 * @param failureRate the fraction of answers, from 0 to 1, that are an HTTP 503 with
 * {@code {"error":"emulated failure"}} (plain {@code Error: emulated failure} for
 * {@code .txt}) instead of the real answer; failures are delayed like answers
 */
@ConfigurationProperties("timefan.emulation")
record EmulationProperties(@DefaultValue("0") Duration latency, @DefaultValue("0") Duration jitter,
		@DefaultValue("0") double failureRate) {

	EmulationProperties {
		requireNotNegative("latency", latency);
		requireNotNegative("jitter", jitter);
		if (!(failureRate >= 0 && failureRate <= 1)) {
			throw new IllegalArgumentException(
					"timefan.emulation.failure-rate must be between 0 and 1, got " + failureRate);
		}
		try {
			latency.plus(jitter).toNanos();
		}
		catch (ArithmeticException ex) {
			throw new IllegalArgumentException(
					"timefan.emulation.latency plus jitter is too long, got " + latency + " plus " + jitter);
		}
	}

	/**
	 * Whether anything is emulated; when not, the emulation filter is not registered.
	 */
	boolean active() {
		return !this.latency.isZero() || !this.jitter.isZero() || this.failureRate > 0;
	}

	private static void requireNotNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new IllegalArgumentException("timefan.emulation." + property + " must not be negative, got " + value);
		}
	}

}
