package dev.timefan.upstream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.time.ZoneCatalog;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * The health probe against a stub exchange: when it starts, what one probe records, what
 * the indicator makes of it, and that stopping ends a probe in flight.
 */
class UpstreamProbeTests {

	private static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final Reply UTC = new Reply(200, null,
			ScriptedUpstream.body("Etc/UTC").getBytes(StandardCharsets.UTF_8));

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final AtomicInteger calls = new AtomicInteger();

	private final UpstreamBreaker breaker = new UpstreamBreaker(UpstreamProperties.CircuitBreakerSettings.DEFAULTS,
			Clock.systemUTC());

	private UpstreamProbe probe;

	@AfterEach
	void stopProbe() {
		if (this.probe != null) {
			this.probe.stop();
		}
	}

	@Test
	void probesNothingUntilTheUpstreamIsUsedThenAtOnce() {
		this.probe = probe(false, (zone) -> {
			this.calls.incrementAndGet();
			return UTC;
		});
		this.probe.start();
		assertThat(this.probe.probing()).isFalse();
		assertThat(health().getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health().getDetails()).containsEntry("reason", "not probed: the upstream source has not been used");
		assertThat(this.calls).hasValue(0);

		this.probe.inUse();
		this.probe.inUse();
		await().atMost(WAIT).until(() -> this.probe.last() != null);
		assertThat(this.calls).hasValue(1);
		assertThat(health().getStatus()).isEqualTo(Status.UP);
		assertThat(health().getDetails()).containsOnlyKeys("circuitBreaker", "lastChecked", "fallback")
			.containsEntry("lastChecked", NOW.toString())
			.containsEntry("fallback", true)
			.containsEntry("circuitBreaker", Map.of("state", "CLOSED", "bufferedCalls", 0, "notPermittedCalls", 0L));
	}

	@Test
	void probesFromStartWhenTheUpstreamIsTheDefaultSource() {
		this.probe = probe(true, (zone) -> {
			assertThat(zone.name()).isEqualTo("Etc/UTC");
			this.calls.incrementAndGet();
			return UTC;
		});
		this.probe.start();
		assertThat(this.probe.probing()).isTrue();
		await().atMost(WAIT).untilAsserted(() -> assertThat(health().getStatus()).isEqualTo(Status.UP));
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void failedProbeIsDegradedInTheCallersTerms() {
		this.probe = probe(false, (zone) -> new Reply(503, null,
				"{\"error\":\"db-7.internal:5432 is down\"}".getBytes(StandardCharsets.UTF_8)));
		this.probe.probe();
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(UpstreamHealthIndicator.DEGRADED);
		assertThat(health.getDetails()).containsOnlyKeys("circuitBreaker", "error", "lastChecked", "fallback")
			.contains(entry("error", "upstream answered HTTP 503"), entry("lastChecked", NOW.toString()),
					entry("fallback", true));
	}

	@Test
	void openCircuitBreakerIsDegradedWhateverTheProbeSays() {
		this.probe = probe(false, (zone) -> UTC);
		this.probe.probe();
		assertThat(health().getStatus()).isEqualTo(Status.UP);

		this.breaker.circuitBreaker().transitionToOpenState();
		Health open = health();
		assertThat(open.getStatus()).isEqualTo(UpstreamHealthIndicator.DEGRADED);
		assertThat(open.getStatus().getDescription()).isEqualTo(
				"the upstream circuit breaker is open; source=upstream items fall back at once or fail with 502");
		assertThat(open.getDetails()).containsEntry("lastChecked", NOW.toString()).doesNotContainKey("error");
		assertThat(open.getDetails().get("circuitBreaker")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("state", "OPEN");

		this.breaker.circuitBreaker().transitionToHalfOpenState();
		assertThat(health().getStatus()).isEqualTo(UpstreamHealthIndicator.DEGRADED);
		assertThat(health().getDetails().get("circuitBreaker")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("state", "HALF_OPEN");

		this.breaker.circuitBreaker().transitionToClosedState();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void circuitBreakerRatesShowOnceItHasEnoughCalls() {
		this.probe = probe(false, (zone) -> UTC);
		for (int i = 0; i < UpstreamProperties.CircuitBreakerSettings.DEFAULTS.minimumNumberOfCalls(); i++) {
			this.breaker.record(CATALOG.find("Etc/UTC"), 1, (i % 4 == 0) ? 2_000_000_000L : 1_000_000L,
					(i % 5 == 0) ? CallVerdict.FAILURE : CallVerdict.SUCCESS);
		}
		assertThat(health().getDetails().get("circuitBreaker")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsEntry("state", "CLOSED")
			.containsEntry("failureRate", 20.0f)
			.containsEntry("slowCallRate", 25.0f)
			.containsEntry("bufferedCalls", 20);
	}

	@Test
	void probeThatThrowsAnythingRecordsABrokenConnection() {
		this.probe = probe(false, (zone) -> {
			throw new IllegalStateException("pool shut down at 10.0.0.7:8081");
		});
		this.probe.probe();
		assertThat(this.probe.last().failure().getMessage()).isEqualTo("upstream connection broke");
		assertThat(health().getDetails()).containsEntry("error", "upstream connection broke");
	}

	@Test
	void upstreamThatAnswersAgainIsUpAgain() {
		AtomicBoolean failing = new AtomicBoolean(true);
		this.probe = probe(false, (zone) -> {
			if (failing.get()) {
				throw UpstreamFailure.timeout(Duration.ofSeconds(2));
			}
			return UTC;
		});
		this.probe.probe();
		assertThat(health().getDetails()).containsEntry("error", "upstream gave no answer within 2000 ms");
		failing.set(false);
		this.probe.probe();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
		assertThat(health().getDetails()).doesNotContainKey("error");
	}

	@Test
	void stopInterruptsTheProbeInFlight() {
		CountDownLatch calling = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		this.probe = probe(true, (zone) -> {
			calling.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
				throw ex;
			}
			return UTC;
		});
		this.probe.start();
		await().atMost(WAIT).until(() -> calling.getCount() == 0);
		assertThat(health().getDetails()).containsEntry("reason", "not probed yet: the first probe is under way");
		this.probe.stop();
		assertThat(this.probe.isRunning()).isFalse();
		await().atMost(WAIT).untilTrue(interrupted);
		assertThat(this.probe.last()).isNull();
	}

	private Health health() {
		return new UpstreamHealthIndicator(this.probe, this.breaker, properties()).health();
	}

	private static UpstreamProbe probe(boolean defaultSource, Exchange exchange) {
		return new UpstreamProbe(exchange, properties(), defaultSource, CATALOG, JsonMapper.builder().build(),
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

	/** Probes every hour: a test sees one probe unless it calls {@code probe()}. */
	private static UpstreamProperties properties() {
		return new UpstreamProperties(URI.create("http://upstream.invalid/api"), true, Duration.ofSeconds(1),
				Duration.ofSeconds(2), 3, Duration.ofMillis(50), Duration.ofSeconds(1),
				UpstreamProperties.ConcurrencyLimitSettings.DEFAULTS, Duration.ofHours(1),
				UpstreamProperties.CircuitBreakerSettings.DEFAULTS);
	}

}
