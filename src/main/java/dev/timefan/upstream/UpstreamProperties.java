package dev.timefan.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.PropertiesPropertySource;

/**
 * The worldtimeapi-compatible upstream that {@code source=upstream} asks.
 *
 * @param baseUrl the API's base: each zone is {@code GET {base-url}/timezone/{zone}}
 * @param fallback whether an item the upstream fails is answered from the local tz
 * database (item source {@code fallback}) rather than failing with 502
 * @param connectTimeout how long to wait for a TCP connection
 * @param callTimeout how long one call may take, from sending to the whole body; a
 * timed-out call counts as a failed attempt
 * @param maxAttempts the calls made for one item at most, the first included; connect
 * errors, timeouts, 5xx and 429 are retried, other answers are not
 * @param backoff the wait before the first retry, doubled for each next one; each wait is
 * jittered between half and all of it
 * @param maxBackoff the longest wait between two attempts, unless the upstream's
 * {@code Retry-After} asks for longer and that still fits the batch deadline
 * @param concurrencyLimit how many calls each process has in flight to the upstream at
 * once: an adaptive limit that lets a whole batch leave at once and backs off when the
 * upstream fails calls
 * @param healthInterval how often the {@code upstream} health component's probe asks the
 * upstream for {@code Etc/UTC} (one call, no retries), from start-up when
 * {@code timefan.source} is {@code upstream}, else from the first lookup that asks for
 * it; a health check only reads the last result
 * @param circuitBreaker when to stop calling an upstream that keeps failing or answering
 * slowly, for every strategy at once
 */
@ConfigurationProperties(UpstreamProperties.PREFIX)
public record UpstreamProperties(@DefaultValue("http://worldtimeapi.org/api") URI baseUrl,
		@DefaultValue("true") boolean fallback, @DefaultValue("1s") Duration connectTimeout,
		@DefaultValue("2s") Duration callTimeout, @DefaultValue("3") int maxAttempts,
		@DefaultValue("50ms") Duration backoff, @DefaultValue("1s") Duration maxBackoff,
		@DefaultValue ConcurrencyLimitSettings concurrencyLimit, @DefaultValue("10s") Duration healthInterval,
		@DefaultValue CircuitBreakerSettings circuitBreaker) {

	static final String PREFIX = "timefan.upstream";

	public UpstreamProperties {
		if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
			throw new IllegalArgumentException(
					PREFIX + ".base-url must be an http or https URL, not '" + baseUrl + "'");
		}
		requirePositive("connect-timeout", connectTimeout);
		requirePositive("call-timeout", callTimeout);
		requirePositive("backoff", backoff);
		requirePositive("max-backoff", maxBackoff);
		requirePositive("health-interval", healthInterval);
		if (maxAttempts < 1) {
			throw new IllegalArgumentException(PREFIX + ".max-attempts must be at least 1, not " + maxAttempts);
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(PREFIX + "." + name + " must be positive, not " + value);
		}
	}

	/**
	 * The upstream's adaptive concurrency limit, one per process (the service, each
	 * worker process): additive increase, multiplicative decrease. It starts at
	 * {@code initial}; each call the upstream fails (no connection, no answer within the
	 * call timeout, 5xx, 429: a failure to the circuit breaker) multiplies it by
	 * {@code backoff-ratio}, and each other answer while at least half of it is in use
	 * adds one, always between {@code min} and {@code max}. Slow answers do not cut it: a
	 * whole batch sent at once makes each of its calls about as slow as the batch, on the
	 * caller's side. Calls over it wait, first come first served, until the batch
	 * deadline. {@code min = initial = max} makes it a fixed limit. Worker processes
	 * share it: each gets its part of every bound.
	 *
	 * @param initial the limit at start-up, and again after a restart; the default lets a
	 * batch of {@code timefan.batch.max-size} leave at once
	 * @param min the lowest it backs off to
	 * @param max the highest it grows to
	 * @param backoffRatio what each failed call multiplies it by, from 0.5 to below 1
	 */
	public record ConcurrencyLimitSettings(@DefaultValue("1000") int initial, @DefaultValue("10") int min,
			@DefaultValue("1000") int max, @DefaultValue("0.9") double backoffRatio) {

		static final String PREFIX = UpstreamProperties.PREFIX + ".concurrency-limit";

		/** The defaults, as bound from no property at all. */
		public static final ConcurrencyLimitSettings DEFAULTS = new ConcurrencyLimitSettings(1000, 10, 1000, 0.9);

		public ConcurrencyLimitSettings {
			if (min < 1) {
				throw new IllegalArgumentException(PREFIX + ".min must be at least 1, not " + min);
			}
			if (initial < min || initial > max) {
				throw new IllegalArgumentException(
						PREFIX + ".initial must lie between min (" + min + ") and max (" + max + "), not " + initial);
			}
			if (!(backoffRatio >= 0.5 && backoffRatio < 1)) {
				throw new IllegalArgumentException(
						PREFIX + ".backoff-ratio must be at least 0.5 and below 1, not " + backoffRatio);
			}
		}

		/**
		 * One process's part of the limit, when {@code processes} share it.
		 * @param processes how many share it
		 * @return the part: each bound divided, rounded up, at least 1
		 */
		ConcurrencyLimitSettings share(int processes) {
			return new ConcurrencyLimitSettings(part(this.initial, processes), part(this.min, processes),
					part(this.max, processes), this.backoffRatio);
		}

		private static int part(int bound, int processes) {
			return Math.max(1, Math.ceilDiv(bound, processes));
		}

	}

	/**
	 * The upstream's circuit breaker, one for the service and its worker processes: it
	 * opens when too many of the last calls failed or were slow, then refuses every call
	 * (items fall back at once, or fail with 502) until the wait is over, then lets a few
	 * trial calls through and closes again when they succeed. Every call counts: each
	 * attempt of each item, whatever the strategy.
	 *
	 * @param enabled whether the breaker guards the upstream at all; when false every
	 * call is made and nothing is recorded
	 * @param failureRateThreshold the percentage of failed calls, among the last
	 * {@code sliding-window-size}, at or above which the breaker opens; failures are
	 * connect errors, timeouts, 5xx, 429 and answers that are no time object of the zone
	 * asked, not a 4xx that is about the request
	 * @param slowCallRateThreshold the percentage of slow calls, among the last
	 * {@code sliding-window-size}, at or above which the breaker opens
	 * @param slowCallDurationThreshold how long a call may take before it counts as slow,
	 * failed or not
	 * @param slidingWindowSize how many of the latest calls the rates are computed over
	 * @param minimumNumberOfCalls how many calls the window must hold before a rate may
	 * open the breaker; at most {@code sliding-window-size}
	 * @param waitDurationInOpenState how long the breaker stays open, refusing every
	 * call, before it lets trial calls through
	 * @param permittedCallsInHalfOpenState how many trial calls the half-open breaker
	 * lets through; it closes when fewer than the failure and slow-call thresholds of
	 * them fail or are slow, and opens again otherwise
	 */
	public record CircuitBreakerSettings(@DefaultValue("true") boolean enabled,
			@DefaultValue("50") float failureRateThreshold, @DefaultValue("80") float slowCallRateThreshold,
			@DefaultValue("1500ms") Duration slowCallDurationThreshold, @DefaultValue("50") int slidingWindowSize,
			@DefaultValue("20") int minimumNumberOfCalls, @DefaultValue("10s") Duration waitDurationInOpenState,
			@DefaultValue("5") int permittedCallsInHalfOpenState) {

		static final String PREFIX = UpstreamProperties.PREFIX + ".circuit-breaker";

		/** The defaults, as bound from no property at all. */
		public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(true, 50, 80,
				Duration.ofMillis(1500), 50, 20, Duration.ofSeconds(10), 5);

		public CircuitBreakerSettings {
			requirePercentage("failure-rate-threshold", failureRateThreshold);
			requirePercentage("slow-call-rate-threshold", slowCallRateThreshold);
			requirePositiveDuration("slow-call-duration-threshold", slowCallDurationThreshold);
			requirePositiveDuration("wait-duration-in-open-state", waitDurationInOpenState);
			requireAtLeastOne("sliding-window-size", slidingWindowSize);
			requireAtLeastOne("minimum-number-of-calls", minimumNumberOfCalls);
			requireAtLeastOne("permitted-calls-in-half-open-state", permittedCallsInHalfOpenState);
			if (minimumNumberOfCalls > slidingWindowSize) {
				throw new IllegalArgumentException(PREFIX + ".minimum-number-of-calls must not exceed "
						+ "sliding-window-size (" + slidingWindowSize + "), not " + minimumNumberOfCalls);
			}
		}

		private static void requirePercentage(String name, float value) {
			if (!(value > 0 && value <= 100)) {
				throw new IllegalArgumentException(
						PREFIX + "." + name + " must be a percentage above 0 and at most 100, not " + value);
			}
		}

		private static void requirePositiveDuration(String name, Duration value) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(PREFIX + "." + name + " must be positive, not " + value);
			}
		}

		private static void requireAtLeastOne(String name, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(PREFIX + "." + name + " must be at least 1, not " + value);
			}
		}

	}

	/**
	 * The same settings as JVM options, for a worker process, with its part of the
	 * concurrency limit; all but the health interval, since a worker does not probe.
	 * @param workers how many worker processes share the limit
	 * @return {@code -Dtimefan.upstream.*=...} options
	 */
	public List<String> jvmOptions(int workers) {
		ConcurrencyLimitSettings limit = this.concurrencyLimit.share(workers);
		return List.of(option("base-url", this.baseUrl), option("fallback", this.fallback),
				option("connect-timeout", this.connectTimeout), option("call-timeout", this.callTimeout),
				option("max-attempts", this.maxAttempts), option("backoff", this.backoff),
				option("max-backoff", this.maxBackoff), option("concurrency-limit.initial", limit.initial()),
				option("concurrency-limit.min", limit.min()), option("concurrency-limit.max", limit.max()),
				option("concurrency-limit.backoff-ratio", limit.backoffRatio()));
	}

	/**
	 * The settings a worker process was started with ({@link #jvmOptions}), bound the way
	 * the service binds its own, defaults included.
	 * @return the settings
	 */
	public static UpstreamProperties fromSystemProperties() {
		Binder binder = new Binder(
				ConfigurationPropertySources.from(new PropertiesPropertySource("system", System.getProperties())));
		return binder.bindOrCreate(PREFIX, Bindable.of(UpstreamProperties.class));
	}

	private static String option(String name, Object value) {
		return "-D" + PREFIX + "." + name + "=" + value;
	}

}
