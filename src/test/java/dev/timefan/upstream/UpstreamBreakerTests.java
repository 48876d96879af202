package dev.timefan.upstream;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The upstream's circuit breaker behind the blocking lookup, with a scripted exchange and
 * a clock the tests move: what opens it, what an item says while it is open, how trial
 * calls close or reopen it, what each failure counts as, the permissions a worker's chunk
 * gets, and the validation of its settings. No test waits: the open state ends when the
 * clock is moved.
 */
class UpstreamBreakerTests {

	private static final UpstreamProperties.CircuitBreakerSettings DEFAULTS = UpstreamProperties.CircuitBreakerSettings.DEFAULTS;

	private static final Zone KOLKATA = ZoneCatalog.load().find("Asia/Kolkata");

	private static final Reply OK = new Reply(200, null,
			ScriptedUpstream.body("Asia/Kolkata").getBytes(StandardCharsets.UTF_8));

	private static final String CALLER = "127.0.0.1";

	private static final String FALLBACK_SUFFIX = "; answered from the local tz database";

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T07:00:00Z"));

	private final UpstreamBreaker breaker = new UpstreamBreaker(DEFAULTS, this.clock);

	private final Script script = new Script();

	@Test
	void upstreamThatGivesNoAnswerOpensTheBreakerAtTheMinimumNumberOfCallsAndItsRetriesStop() {
		this.script.always(() -> {
			throw UpstreamFailure.timeout(Duration.ofSeconds(2));
		});
		UpstreamLookup lookup = lookup(true);
		// 20 calls are needed: six items of three attempts each, then two of the seventh.
		for (int item = 0; item < 6; item++) {
			assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).error())
				.isEqualTo("upstream gave no answer within 2000 ms (3 attempts)" + FALLBACK_SUFFIX);
			assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
		}
		Outcome seventh = lookup.lookup(KOLKATA, CALLER, farDeadline());
		assertThat(seventh.error())
			.isEqualTo("upstream gave no answer within 2000 ms (2 attempts, then its circuit breaker opened)"
					+ FALLBACK_SUFFIX);
		assertThat(state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.script.calls()).isEqualTo(20);
		assertThat(this.breaker.circuitBreaker().getMetrics().getFailureRate()).isEqualTo(100.0f);
	}

	@Test
	void openBreakerAnswersFromTheLocalDatabaseAtOnceWithoutCalling() {
		this.script.always(() -> OK);
		this.breaker.circuitBreaker().transitionToOpenState();

		Outcome outcome = lookup(true).lookup(KOLKATA, CALLER, farDeadline());

		assertThat(outcome.status()).isEqualTo(200);
		assertThat(outcome.source()).isEqualTo(Source.FALLBACK);
		assertThat(outcome.time().timezone()).isEqualTo("Asia/Kolkata");
		assertThat(outcome.error()).isEqualTo("upstream circuit breaker is open" + FALLBACK_SUFFIX);
		assertThat(this.script.calls()).isZero();
		assertThat(this.breaker.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isOne();
	}

	@Test
	void openBreakerIs502WithoutFallback() {
		this.script.always(() -> OK);
		this.breaker.circuitBreaker().transitionToOpenState();

		Outcome outcome = lookup(false).lookup(KOLKATA, CALLER, farDeadline());

		assertThat(outcome.status()).isEqualTo(502);
		assertThat(outcome.time()).isNull();
		assertThat(outcome.error()).isEqualTo("upstream circuit breaker is open");
		assertThat(this.script.calls()).isZero();
	}

	@Test
	void afterTheWaitTrialCallsCloseTheBreakerWhenTheUpstreamAnswersAgain() {
		this.script.always(() -> OK);
		this.breaker.circuitBreaker().transitionToOpenState();
		UpstreamLookup lookup = lookup(true);

		this.clock.move(DEFAULTS.waitDurationInOpenState().minusMillis(1));
		assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).source()).isEqualTo(Source.FALLBACK);
		assertThat(this.script.calls()).isZero();

		this.clock.move(Duration.ofMillis(2));
		for (int trial = 1; trial <= DEFAULTS.permittedCallsInHalfOpenState(); trial++) {
			assertThat(state()).isEqualTo((trial == 1) ? CircuitBreaker.State.OPEN : CircuitBreaker.State.HALF_OPEN);
			assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).source()).isEqualTo(Source.UPSTREAM);
		}
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.script.calls()).isEqualTo(DEFAULTS.permittedCallsInHalfOpenState());
	}

	@Test
	void trialCallsThatFailOpenItAgain() {
		this.script.always(() -> {
			throw UpstreamFailure.io(new ConnectException("Connection refused"));
		});
		this.breaker.circuitBreaker().transitionToOpenState();
		this.clock.move(DEFAULTS.waitDurationInOpenState().plusMillis(1));
		UpstreamLookup lookup = lookup(true);

		assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).error())
			.isEqualTo("upstream refused the connection (3 attempts)" + FALLBACK_SUFFIX);
		assertThat(state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		// Two trial calls are left: then the breaker opens, and the third attempt is
		// refused.
		assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).error()).isEqualTo(
				"upstream refused the connection (2 attempts, then its circuit breaker opened)" + FALLBACK_SUFFIX);
		assertThat(state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.script.calls()).isEqualTo(5);
	}

	@Test
	void slowCallsOpenTheBreakerEvenWhenTheyAnswer() {
		long slow = DEFAULTS.slowCallDurationThreshold().plusMillis(500).toNanos();
		long fast = DEFAULTS.slowCallDurationThreshold().minusMillis(500).toNanos();
		for (int i = 0; i < DEFAULTS.minimumNumberOfCalls() - 1; i++) {
			this.breaker.record(KOLKATA, 1, (i % 10 == 0) ? fast : slow, CallVerdict.SUCCESS);
		}
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
		this.breaker.record(KOLKATA, 1, slow, CallVerdict.SUCCESS);
		// 18 of 20 calls were slow: 90 %, over the threshold of 80 %.
		assertThat(this.breaker.circuitBreaker().getMetrics().getSlowCallRate()).isEqualTo(90.0f);
		assertThat(state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void fastAnswersKeepItClosed() {
		for (int i = 0; i < 3 * DEFAULTS.slidingWindowSize(); i++) {
			this.breaker.record(KOLKATA, 1, 1_000_000, CallVerdict.SUCCESS);
		}
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.circuitBreaker().getMetrics().getFailureRate()).isZero();
	}

	static Stream<Arguments> failures() {
		return Stream.of(arguments("HTTP 503", UpstreamFailure.status(503, null), CallVerdict.FAILURE),
				arguments("HTTP 500", UpstreamFailure.status(500, null), CallVerdict.FAILURE),
				arguments("HTTP 429", UpstreamFailure.status(429, Duration.ofSeconds(1)), CallVerdict.FAILURE),
				arguments("HTTP 301", UpstreamFailure.status(301, null), CallVerdict.FAILURE),
				arguments("HTTP 404", UpstreamFailure.status(404, null), CallVerdict.SUCCESS),
				arguments("HTTP 400", UpstreamFailure.status(400, null), CallVerdict.SUCCESS),
				arguments("HTTP 403", UpstreamFailure.status(403, null), CallVerdict.SUCCESS),
				arguments("refused", UpstreamFailure.io(new ConnectException("refused")), CallVerdict.FAILURE),
				arguments("timeout", UpstreamFailure.timeout(Duration.ofSeconds(2)), CallVerdict.FAILURE),
				arguments("not a time object", UpstreamFailure.notATimeObject("null", new byte[0]),
						CallVerdict.FAILURE),
				arguments("wrong zone", UpstreamFailure.wrongZone("Asia/Dhaka", KOLKATA), CallVerdict.FAILURE),
				arguments("too large", UpstreamFailure.tooLarge(65536), CallVerdict.FAILURE));
	}

	@ParameterizedTest(name = "{0}: {2}")
	@MethodSource("failures")
	void eachFailureCountsAsItsVerdictSays(String name, UpstreamFailure failure, CallVerdict verdict) {
		assertThat(failure.verdict()).isEqualTo(verdict);
		this.script.always(() -> {
			throw failure;
		});
		lookup(true).lookup(KOLKATA, CALLER, farDeadline());
		CircuitBreaker.Metrics metrics = this.breaker.circuitBreaker().getMetrics();
		int calls = this.script.calls();
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo((verdict == CallVerdict.FAILURE) ? calls : 0);
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo((verdict == CallVerdict.SUCCESS) ? calls : 0);
	}

	@Test
	void zonesTheUpstreamDoesNotKnowNeverOpenIt() {
		this.script.always(() -> new Reply(404, null, "{\"error\":\"unknown location\"}".getBytes()));
		UpstreamLookup lookup = lookup(true);
		for (int i = 0; i < 2 * DEFAULTS.slidingWindowSize(); i++) {
			assertThat(lookup.lookup(KOLKATA, CALLER, farDeadline()).error())
				.isEqualTo("upstream answered HTTP 404" + FALLBACK_SUFFIX);
		}
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.script.calls()).isEqualTo(2 * DEFAULTS.slidingWindowSize());
	}

	@Test
	void unforeseenExceptionGivesItsPermissionBack() {
		this.breaker.circuitBreaker().transitionToOpenState();
		this.breaker.circuitBreaker().transitionToHalfOpenState();
		this.script.always(() -> {
			throw new IllegalStateException("a bug");
		});
		for (int i = 0; i < 2 * DEFAULTS.permittedCallsInHalfOpenState(); i++) {
			try {
				lookup(true).lookup(KOLKATA, CALLER, farDeadline());
			}
			catch (IllegalStateException expected) {
				// The fan-out's failure boundary makes it a 500 item.
			}
		}
		assertThat(this.script.calls()).isEqualTo(2 * DEFAULTS.permittedCallsInHalfOpenState());
		assertThat(state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void chunkPermissionsAreEveryItemWhileClosedNoneWhileOpenAndTheTrialsWhileHalfOpen() {
		assertThat(this.breaker.permits(10).permitted().cardinality()).isEqualTo(10);

		this.breaker.circuitBreaker().transitionToOpenState();
		assertThat(this.breaker.permits(10).permitted().isEmpty()).isTrue();
		assertThat(this.breaker.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(10);

		this.breaker.circuitBreaker().transitionToHalfOpenState();
		BitSet expected = new BitSet();
		expected.set(0, DEFAULTS.permittedCallsInHalfOpenState());
		assertThat(this.breaker.permits(10).permitted()).isEqualTo(expected);
	}

	@Test
	void trialPermissionsAChunkDidNotUseAreGivenBackWhenItEnds() {
		this.breaker.circuitBreaker().transitionToOpenState();
		this.breaker.circuitBreaker().transitionToHalfOpenState();
		UpstreamBreaker.Permits permits = this.breaker.permits(10);
		permits.record(1_000_000, CallVerdict.SUCCESS, true);
		permits.record(1_000_000, CallVerdict.SUCCESS, true);
		// A call the deadline cut tells nothing: its permission comes back at once.
		permits.record(1_000_000, CallVerdict.NONE, true);
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isTrue();
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isFalse();

		permits.close();
		permits.close();
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isTrue();
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isTrue();
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isFalse();
		assertThat(this.breaker.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
	}

	@Test
	void workersCallsCloseAHalfOpenBreaker() {
		this.breaker.circuitBreaker().transitionToOpenState();
		this.breaker.circuitBreaker().transitionToHalfOpenState();
		UpstreamBreaker.Permits permits = this.breaker.permits(10);
		for (int i = 0; i < DEFAULTS.permittedCallsInHalfOpenState(); i++) {
			permits.record(1_000_000, CallVerdict.SUCCESS, true);
		}
		permits.close();
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void disabledBreakerPermitsEveryCallAndOpensForNothing() {
		UpstreamBreaker disabled = new UpstreamBreaker(new UpstreamProperties.CircuitBreakerSettings(false, 50, 80,
				Duration.ofSeconds(1), 50, 20, Duration.ofSeconds(10), 5), this.clock);
		for (int i = 0; i < 100; i++) {
			assertThat(disabled.permits(KOLKATA, 1)).isTrue();
			disabled.record(KOLKATA, 1, 1_000_000, CallVerdict.FAILURE);
		}
		assertThat(disabled.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.DISABLED);
		assertThat(disabled.state()).isEqualTo(UpstreamBreaker.State.CLOSED);
	}

	@Test
	void defaultsAreThoseBoundFromNoProperty() {
		new ApplicationContextRunner().withUserConfiguration(PropertiesConfiguration.class)
			.run((context) -> assertThat(context.getBean(UpstreamProperties.class).circuitBreaker())
				.isEqualTo(DEFAULTS));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					failure-rate-threshold=0            | failure-rate-threshold must be a percentage above 0 and at most 100, not 0.0
					failure-rate-threshold=101          | failure-rate-threshold must be a percentage above 0 and at most 100, not 101.0
					slow-call-rate-threshold=-5         | slow-call-rate-threshold must be a percentage above 0 and at most 100, not -5.0
					slow-call-duration-threshold=0s     | slow-call-duration-threshold must be positive, not PT0S
					wait-duration-in-open-state=-1s     | wait-duration-in-open-state must be positive, not PT-1S
					sliding-window-size=0               | sliding-window-size must be at least 1, not 0
					minimum-number-of-calls=0           | minimum-number-of-calls must be at least 1, not 0
					minimum-number-of-calls=51          | minimum-number-of-calls must not exceed sliding-window-size (50), not 51
					permitted-calls-in-half-open-state=0 | permitted-calls-in-half-open-state must be at least 1, not 0
					""")
	void invalidSettingsStopStartupNamingTheValue(String property, String message) {
		new ApplicationContextRunner().withUserConfiguration(PropertiesConfiguration.class)
			.withPropertyValues("timefan.upstream.circuit-breaker." + property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage("timefan.upstream.circuit-breaker." + message));
	}

	private CircuitBreaker.State state() {
		return this.breaker.circuitBreaker().getState();
	}

	/** Three attempts, a backoff of 1 ms: retries cost nothing here. */
	private UpstreamLookup lookup(boolean fallback) {
		UpstreamProperties properties = new UpstreamProperties(URI.create("http://upstream.invalid/api"), fallback,
				Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ofMillis(1), Duration.ofMillis(1),
				UpstreamProperties.ConcurrencyLimitSettings.DEFAULTS, Duration.ofHours(1), DEFAULTS);
		return new UpstreamLookup(this.script, properties, new WorldClock(Clock.systemUTC()),
				JsonMapper.builder().build(),
				new UpstreamLimit(properties.concurrencyLimit(), properties.callTimeout(), System::nanoTime),
				this.breaker, () -> {
				}, () -> {
				});
	}

	private static Deadline farDeadline() {
		return Deadline.after(Duration.ofMinutes(5));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(UpstreamProperties.class)
	static class PropertiesConfiguration {

	}

	/** An exchange whose every call does what it was told, counted. */
	private static final class Script implements Exchange {

		private final AtomicInteger calls = new AtomicInteger();

		private volatile Call call = () -> OK;

		void always(Call call) {
			this.call = call;
		}

		int calls() {
			return this.calls.get();
		}

		@Override
		public Reply call(Zone zone) throws UpstreamFailure {
			this.calls.incrementAndGet();
			return this.call.call();
		}

		@FunctionalInterface
		interface Call {

			Reply call() throws UpstreamFailure;

		}

	}

	/** A clock that moves only when told. */
	private static final class MovableClock extends Clock {

		private final Deque<Instant> now = new ArrayDeque<>();

		MovableClock(Instant start) {
			this.now.push(start);
		}

		synchronized void move(Duration by) {
			this.now.push(this.now.peek().plus(by));
		}

		@Override
		public synchronized Instant instant() {
			return this.now.peek();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
