package dev.timefan.upstream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive client's calls, retries and fallback against a scripted exchange, waits in
 * virtual time: backoff, {@code Retry-After} and the per-call timeout cost nothing.
 */
class ReactiveUpstreamTests {

	private static final String CALLER = "127.0.0.1";

	private static final Duration VERIFY = Duration.ofSeconds(5);

	/** The local tz database's clock: not the upstream's instant. */
	private static final WorldClock LOCAL = new WorldClock(
			Clock.fixed(Instant.parse("2025-10-01T10:39:20.975255Z"), ZoneOffset.UTC));

	private static final Zone KOLKATA = ZoneCatalog.load().find("Asia/Kolkata");

	private static final Reply OK = new Reply(200, null,
			ScriptedUpstream.body("Asia/Kolkata").getBytes(StandardCharsets.UTF_8));

	private static final Reply UNAVAILABLE = new Reply(503, null, new byte[0]);

	private final AtomicInteger retries = new AtomicInteger();

	private final AtomicInteger uses = new AtomicInteger();

	private final UpstreamBreaker breaker = new UpstreamBreaker(UpstreamProperties.CircuitBreakerSettings.DEFAULTS,
			Clock.systemUTC());

	@Test
	void serverErrorIsRetriedAfterTheJitteredBackoff() {
		Script script = new Script(() -> Mono.just(UNAVAILABLE), () -> Mono.just(OK));
		// Backoff 100 ms, capped at 100 ms: the retry comes 50 to 100 ms later.
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(49))
			.then(() -> assertThat(script.calls()).isOne())
			.thenAwait(Duration.ofMillis(51))
			.assertNext(this::assertFromUpstream)
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(2);
		assertThat(this.retries).hasValue(1);
		// The health probe is told once per lookup, not per call.
		assertThat(this.uses).hasValue(1);
	}

	@Test
	void tooManyRequestsIsRetriedAfterRetryAfter() {
		Script script = new Script(() -> Mono.just(new Reply(429, "3", new byte[0])), () -> Mono.just(OK));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(3).minusMillis(1))
			.then(() -> assertThat(script.calls()).isOne())
			.thenAwait(Duration.ofMillis(1))
			.assertNext(this::assertFromUpstream)
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(2);
	}

	@Test
	void retryAfterPastTheDeadlineFallsBackAtOnce() {
		Script script = new Script(() -> Mono.just(new Reply(429, "30", new byte[0])));
		StepVerifier
			.withVirtualTime(
					() -> upstream(script, true).lookup(KOLKATA, CALLER, Deadline.after(Duration.ofSeconds(10))))
			.expectSubscription()
			.assertNext((outcome) -> assertFallback(outcome, "upstream answered HTTP 429"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isOne();
		assertThat(this.retries).hasValue(0);
	}

	@Test
	void callThatGivesNoAnswerTimesOutAndIsRetried() {
		AtomicInteger cancelled = new AtomicInteger();
		Script script = new Script(() -> Mono.<Reply>never().doOnCancel(cancelled::incrementAndGet),
				() -> Mono.just(OK));
		// The call timeout is 2 s; the retry comes 50 to 100 ms after it.
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(2))
			.then(() -> assertThat(cancelled).hasValue(1))
			.thenAwait(Duration.ofMillis(100))
			.assertNext(this::assertFromUpstream)
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(2);
	}

	@Test
	void callsThatAllTimeOutFallBackSayingWhy() {
		Script script = new Script(Mono::never);
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(10))
			.assertNext((outcome) -> assertFallback(outcome, "upstream gave no answer within 2000 ms (3 attempts)"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(3);
		assertThat(this.retries).hasValue(2);
	}

	@Test
	void serverErrorsUntilTheAttemptsAreSpentFallBack() {
		Script script = new Script(() -> Mono.just(UNAVAILABLE));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((outcome) -> assertFallback(outcome, "upstream answered HTTP 503 (3 attempts)"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(3);
	}

	@Test
	void serverErrorsUntilTheAttemptsAreSpentAre502WithoutFallback() {
		Script script = new Script(() -> Mono.just(UNAVAILABLE));
		StepVerifier.withVirtualTime(() -> upstream(script, false).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((outcome) -> {
				assertThat(outcome.status()).isEqualTo(502);
				assertThat(outcome.source()).isNull();
				assertThat(outcome.time()).isNull();
				assertThat(outcome.error()).isEqualTo("upstream answered HTTP 503 (3 attempts)");
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void exchangeErrorIsABrokenCallAndRetried() {
		Script script = new Script(() -> Mono.error(new IllegalStateException("connection reset")),
				() -> Mono.just(OK));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(100))
			.assertNext(this::assertFromUpstream)
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(2);
	}

	@Test
	void exchangeErrorsUntilTheAttemptsAreSpentFallBackSayingTheConnectionBroke() {
		Script script = new Script(() -> Mono.error(new IllegalStateException("connection reset by 10.0.0.7:8081")));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.assertNext((outcome) -> assertFallback(outcome, "upstream connection broke (3 attempts)"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isEqualTo(3);
	}

	@Test
	void invalidBodyFallsBackWithoutRetrying() {
		Script script = new Script(() -> Mono.just(new Reply(200, null, "{}".getBytes(StandardCharsets.UTF_8))));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.assertNext((outcome) -> {
				assertThat(outcome.source()).isEqualTo(Source.FALLBACK);
				assertThat(outcome.error()).isEqualTo(
						"upstream answered something that is not a time object; answered from the local tz database");
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isOne();
		assertThat(this.retries).hasValue(0);
	}

	@Test
	void cancellingTheLookupCancelsTheCallInFlight() {
		AtomicInteger cancelled = new AtomicInteger();
		Script script = new Script(() -> Mono.<Reply>never().doOnCancel(cancelled::incrementAndGet));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(500))
			.thenCancel()
			.verify(VERIFY);
		assertThat(cancelled).hasValue(1);
		assertThat(script.calls()).isOne();
	}

	@Test
	void everyAttemptIsRecordedInTheCircuitBreaker() {
		Script script = new Script(() -> Mono.just(UNAVAILABLE), () -> Mono.just(OK));
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(100))
			.assertNext(this::assertFromUpstream)
			.expectComplete()
			.verify(VERIFY);
		CircuitBreaker.Metrics metrics = this.breaker.circuitBreaker().getMetrics();
		assertThat(metrics.getNumberOfFailedCalls()).isOne();
		assertThat(metrics.getNumberOfSuccessfulCalls()).isOne();
	}

	@Test
	void openCircuitBreakerAnswersFromTheLocalDatabaseWithoutCalling() {
		Script script = new Script(() -> Mono.just(OK));
		this.breaker.circuitBreaker().transitionToOpenState();
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.assertNext((outcome) -> assertFallback(outcome, "upstream circuit breaker is open"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isZero();
		assertThat(this.retries).hasValue(0);
		assertThat(this.breaker.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isOne();
	}

	@Test
	void openCircuitBreakerIs502WithoutFallback() {
		Script script = new Script(() -> Mono.just(OK));
		this.breaker.circuitBreaker().transitionToOpenState();
		StepVerifier.withVirtualTime(() -> upstream(script, false).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.assertNext((outcome) -> {
				assertThat(outcome.status()).isEqualTo(502);
				assertThat(outcome.time()).isNull();
				assertThat(outcome.error()).isEqualTo("upstream circuit breaker is open");
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isZero();
	}

	@Test
	void circuitBreakerThatOpensMeanwhileStopsTheRetries() {
		Script script = new Script(() -> {
			this.breaker.circuitBreaker().transitionToOpenState();
			return Mono.just(UNAVAILABLE);
		});
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(100))
			.assertNext((outcome) -> assertFallback(outcome,
					"upstream answered HTTP 503 (then its circuit breaker opened)"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(script.calls()).isOne();
		assertThat(this.retries).hasValue(0);
	}

	@Test
	void cancelledCallGivesItsTrialPermissionBack() {
		this.breaker.circuitBreaker().transitionToOpenState();
		this.breaker.circuitBreaker().transitionToHalfOpenState();
		Script script = new Script(Mono::never);
		StepVerifier.withVirtualTime(() -> upstream(script, true).lookup(KOLKATA, CALLER, farDeadline()))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(500))
			.thenCancel()
			.verify(VERIFY);
		assertThat(script.calls()).isOne();
		// Every trial permission is still there: the cancelled call gave its own back.
		for (int i = 0; i < UpstreamProperties.CircuitBreakerSettings.DEFAULTS.permittedCallsInHalfOpenState(); i++) {
			assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).as("trial %d", i).isTrue();
		}
		assertThat(this.breaker.circuitBreaker().tryAcquirePermission()).isFalse();
	}

	/** Call timeout 2 s, 3 attempts, backoff 100 ms capped at 100 ms. */
	private ReactiveUpstream upstream(Script script, boolean fallback) {
		UpstreamProperties properties = new UpstreamProperties(URI.create("http://upstream.invalid/api"), fallback,
				Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ofMillis(100), Duration.ofMillis(100),
				UpstreamProperties.ConcurrencyLimitSettings.DEFAULTS, Duration.ofSeconds(10),
				UpstreamProperties.CircuitBreakerSettings.DEFAULTS);
		return new ReactiveUpstream(script, properties, LOCAL, JsonMapper.builder().build(),
				new UpstreamLimit(properties.concurrencyLimit(), properties.callTimeout(), System::nanoTime),
				this.breaker, this.uses::incrementAndGet, this.retries::incrementAndGet);
	}

	/** A deadline that no virtual wait reaches: it runs on the real clock. */
	private static Deadline farDeadline() {
		return Deadline.after(Duration.ofMinutes(5));
	}

	private void assertFromUpstream(Outcome outcome) {
		assertThat(outcome.status()).isEqualTo(200);
		assertThat(outcome.source()).isEqualTo(Source.UPSTREAM);
		assertThat(outcome.error()).isNull();
		assertThat(outcome.time()).usingRecursiveComparison()
			.ignoringFields("clientIp")
			.isEqualTo(ScriptedUpstream.timeObject("Asia/Kolkata"));
		assertThat(outcome.time().clientIp()).isEqualTo(CALLER);
	}

	private static void assertFallback(Outcome outcome, String why) {
		assertThat(outcome.status()).isEqualTo(200);
		assertThat(outcome.source()).isEqualTo(Source.FALLBACK);
		assertThat(outcome.time()).isEqualTo(LOCAL.now(KOLKATA, CALLER));
		assertThat(outcome.error()).isEqualTo(why + "; answered from the local tz database");
	}

	/** An exchange whose calls get the scripted answers in turn; the last repeats. */
	private static final class Script implements Function<Zone, Mono<Reply>> {

		private final List<Supplier<Mono<Reply>>> answers;

		private final AtomicInteger calls = new AtomicInteger();

		Script(Supplier<Mono<Reply>> always) {
			this.answers = List.of(always);
		}

		Script(Supplier<Mono<Reply>> first, Supplier<Mono<Reply>> then) {
			this.answers = List.of(first, then);
		}

		@Override
		public Mono<Reply> apply(Zone zone) {
			int call = this.calls.getAndIncrement();
			return this.answers.get(Math.min(call, this.answers.size() - 1)).get();
		}

		int calls() {
			return this.calls.get();
		}

	}

}
