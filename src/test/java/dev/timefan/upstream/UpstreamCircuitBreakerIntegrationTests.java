package dev.timefan.upstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.timefan.time.ZoneCatalog;
import dev.timefan.upstream.ScriptedUpstream.Step;
import dev.timefan.upstream.UpstreamIntegrationTests.Answer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.EntityExchangeResult;

import static dev.timefan.upstream.UpstreamIntegrationTests.BREAKER_ON;
import static dev.timefan.upstream.UpstreamIntegrationTests.FALLBACK_SUFFIX;
import static dev.timefan.upstream.UpstreamIntegrationTests.JSON;
import static dev.timefan.upstream.UpstreamIntegrationTests.ONE_PROBE;
import static dev.timefan.upstream.UpstreamIntegrationTests.ONE_WORKER;
import static dev.timefan.upstream.UpstreamIntegrationTests.item;
import static dev.timefan.upstream.UpstreamIntegrationTests.items;
import static dev.timefan.upstream.UpstreamIntegrationTests.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The upstream's circuit breaker on a running service, through every strategy (one real
 * worker process), against a real HTTP upstream ({@link ScriptedUpstream}) that accepts
 * connections and never answers: its calls time out and open the breaker, later items
 * fall back at once without a request reaching the upstream, and trial calls close it
 * once the upstream answers again. The breaker's wait in the open state is an hour: a
 * test ends it as the first call after the wait would, by moving the breaker to
 * half-open, so nothing here waits for time to pass. Calls time out after 1 s and count
 * as slow after 500 ms.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ONE_WORKER, ONE_PROBE, BREAKER_ON, "timefan.upstream.call-timeout=1s",
				"timefan.upstream.circuit-breaker.slow-call-duration-threshold=500ms",
				"timefan.upstream.circuit-breaker.wait-duration-in-open-state=1h",
				"management.endpoint.health.show-details=always" })
class UpstreamCircuitBreakerIntegrationTests extends UpstreamIntegrationTests.Running {

	static final ScriptedUpstream UPSTREAM = new ScriptedUpstream();

	/** More zones than the breaker's minimum number of calls (20). */
	static final List<String> ZONES = ZoneCatalog.load()
		.names()
		.stream()
		.filter((name) -> name.startsWith("America/") && name.indexOf('/') == name.lastIndexOf('/'))
		.limit(30)
		.toList();

	static final String OPEN = "upstream circuit breaker is open" + FALLBACK_SUFFIX;

	private static boolean warm;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry properties) {
		properties.add("timefan.upstream.base-url", UPSTREAM::baseUrl);
	}

	@AfterAll
	static void stopUpstream() {
		UPSTREAM.close();
	}

	static List<String> strategies() {
		return UpstreamIntegrationTests.strategies().toList();
	}

	/**
	 * Before the first test, every strategy answers from the upstream once (cold code may
	 * take long on a busy machine) and the health probe's one probe is awaited; then the
	 * breaker is closed and empty, and the upstream answers every zone again.
	 */
	@BeforeEach
	void warmEveryStrategyThenResetTheUpstreamAndTheBreaker() {
		if (!warm) {
			strategies().forEach((strategy) -> await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(summary(item(batch(strategy, "Etc/UTC"), 0)))
					.isEqualTo(tuple("Etc/UTC", 200, "upstream", null))));
			await().atMost(Duration.ofSeconds(60)).until(() -> this.probe.last() != null);
			warm = true;
		}
		UPSTREAM.reset();
		this.breaker.circuitBreaker().reset();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("strategies")
	void deadUpstreamOpensTheBreakerItemsThenFallBackAtOnceAndTrialCallsCloseItWhenTheUpstreamReturns(String strategy) {
		ZONES.forEach((zone) -> UPSTREAM.script(zone, Step.hold()));
		String[] zones = ZONES.toArray(String[]::new);

		// Every item falls back and says why: its call timed out, or, where its call had
		// not yet started when the others' timeouts opened the breaker (a busy machine
		// may
		// start a batch's calls over more than the 1 s timeout), the breaker was open.
		JsonNode first = batch(strategy, zones);
		assertThat(items(first)).allSatisfy((item) -> {
			assertThat(item.get("status").asInt()).isEqualTo(200);
			assertThat(item.get("source").asString()).isEqualTo("fallback");
			assertThat(item.get("error").asString())
				.satisfiesAnyOf((error) -> assertThat(error).startsWith("upstream gave no answer within 1000 ms")
					.endsWith(FALLBACK_SUFFIX), (error) -> assertThat(error).isEqualTo(OPEN));
		});
		assertThat(items(first)).filteredOn((item) -> !item.get("error").asString().equals(OPEN)).isNotEmpty();
		assertThat(state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(metrics().getNumberOfFailedCalls()).isGreaterThanOrEqualTo(20);
		// Each call was timed where it was made, in a worker too: every one was slow.
		assertThat(metrics().getNumberOfSlowFailedCalls()).isEqualTo(metrics().getNumberOfFailedCalls());
		int asked = UPSTREAM.targets().size();
		assertThat(asked).isGreaterThanOrEqualTo(20);

		// Open: no item calls the upstream, every one says why.
		JsonNode whileOpen = batch(strategy, zones);
		assertThat(items(whileOpen)).extracting(UpstreamIntegrationTests::summary)
			.containsOnly(ZONES.stream().map((zone) -> tuple(zone, 200, "fallback", OPEN)).toArray(Tuple[]::new));
		Answer single = single(strategy, "Asia/Kolkata");
		assertThat(single.status()).as(single.body()).isEqualTo(200);
		assertThat(single.json().get("timezone").asString()).isEqualTo("Asia/Kolkata");
		assertThat(UPSTREAM.targets()).hasSize(asked);

		// The upstream is back; the wait is over.
		UPSTREAM.reset();
		this.breaker.circuitBreaker().transitionToHalfOpenState();
		JsonNode trial = batch(strategy, zones);
		List<JsonNode> fromUpstream = items(trial).stream()
			.filter((item) -> item.get("source").asString().equals("upstream"))
			.toList();
		// The trial calls, and maybe items that asked once the breaker had closed.
		assertThat(fromUpstream).hasSizeGreaterThanOrEqualTo(5);
		assertThat(items(trial)).filteredOn((item) -> !item.get("source").asString().equals("upstream"))
			.allSatisfy((item) -> assertThat(summary(item))
				.isEqualTo(tuple(item.get("zone").asString(), 200, "fallback", OPEN)));
		assertThat(UPSTREAM.targets()).hasSize(fromUpstream.size());
		assertThat(state()).isEqualTo(CircuitBreaker.State.CLOSED);

		JsonNode closed = batch(strategy, zones);
		assertThat(items(closed)).allSatisfy((item) -> assertThat(item.get("source").asString()).isEqualTo("upstream"));
	}

	@Test
	void workerCallsAreRecordedInTheServicesBreakerAndItsStateStopsTheirRetries() throws Exception {
		JsonNode healthy = batch("processes", "Asia/Kolkata", "Europe/Paris", "Asia/Dhaka");
		assertThat(items(healthy))
			.allSatisfy((item) -> assertThat(item.get("source").asString()).isEqualTo("upstream"));
		assertThat(metrics().getNumberOfSuccessfulCalls()).isEqualTo(3);

		String failing = UPSTREAM.script("Africa/Lagos", Step.status(503));
		JsonNode failed = batch("processes", "Africa/Lagos");
		assertThat(summary(item(failed, 0))).isEqualTo(
				tuple("Africa/Lagos", 200, "fallback", "upstream answered HTTP 503 (3 attempts)" + FALLBACK_SUFFIX));
		assertThat(metrics().getNumberOfFailedCalls()).isEqualTo(3);
		assertThat(UPSTREAM.requests(failing)).isEqualTo(3);

		// The breaker opens while a worker waits to retry (Retry-After: 3): the worker is
		// told, and makes no further call.
		String retried = UPSTREAM.script("Asia/Tokyo", Step.status(503, "Retry-After: 3"));
		try (ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
			CompletableFuture<JsonNode> batch = CompletableFuture.supplyAsync(() -> batch("processes", "Asia/Tokyo"),
					caller);
			await().atMost(Duration.ofSeconds(30)).until(() -> UPSTREAM.requests(retried) == 1);
			this.breaker.circuitBreaker().transitionToOpenState();
			assertThat(summary(item(batch.get(), 0))).isEqualTo(tuple("Asia/Tokyo", 200, "fallback",
					"upstream answered HTTP 503 (then its circuit breaker opened)" + FALLBACK_SUFFIX));
		}
		assertThat(UPSTREAM.requests(retried)).isOne();

		// Open: the worker gets no permission, and calls nothing.
		int asked = UPSTREAM.targets().size();
		long refusedBefore = metrics().getNumberOfNotPermittedCalls();
		JsonNode whileOpen = batch("processes", "Asia/Kolkata", "Europe/Paris", "Asia/Dhaka");
		assertThat(items(whileOpen)).extracting((item) -> item.get("error").asString()).containsOnly(OPEN);
		assertThat(UPSTREAM.targets()).hasSize(asked);
		assertThat(metrics().getNumberOfNotPermittedCalls()).isEqualTo(refusedBefore + 3);
	}

	@Test
	void openBreakerShowsInHealthAndMetersWhileTheServiceAndItsReadinessStayUp() {
		this.breaker.circuitBreaker().transitionToOpenState();
		double refusedBefore = refused();
		batch("threads", "Asia/Kolkata", "Europe/Paris");
		assertThat(refused()).isEqualTo(refusedBefore + 2);

		JsonNode upstream = get("/actuator/health/upstream");
		assertThat(upstream.get("status").asString()).isEqualTo("DEGRADED");
		assertThat(upstream.get("description").asString()).isEqualTo(
				"the upstream circuit breaker is open; source=upstream items fall back at once or fail with 502");
		assertThat(upstream.get("details").get("circuitBreaker").get("state").asString()).isEqualTo("OPEN");
		assertThat(upstream.get("details").get("circuitBreaker").get("notPermittedCalls").asLong()).isEqualTo(2);
		assertThat(get("/actuator/health").get("status").asString()).isEqualTo("UP");
		assertThat(get("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");

		assertThat(this.registry.get("resilience4j.circuitbreaker.state")
			.tag("name", UpstreamBreaker.NAME)
			.tag("state", "open")
			.gauge()
			.value()).isEqualTo(1.0);
		String scrape = text("/actuator/prometheus");
		assertThat(scrape).contains(
				"resilience4j_circuitbreaker_state{application=\"timefan\",name=\"upstream\",state=\"open\"} 1.0",
				"resilience4j_circuitbreaker_calls_seconds_count{application=\"timefan\",kind=\"failed\",name=\"upstream\"}");

		this.breaker.circuitBreaker().transitionToClosedState();
		assertThat(get("/actuator/health/upstream").get("status").asString()).isEqualTo("UP");
	}

	/**
	 * The meter of refused calls: it counts from the service's start, resets included.
	 */
	private double refused() {
		return this.registry.get("resilience4j.circuitbreaker.not.permitted.calls")
			.tag("name", UpstreamBreaker.NAME)
			.counter()
			.count();
	}

	private CircuitBreaker.Metrics metrics() {
		return this.breaker.circuitBreaker().getMetrics();
	}

	private CircuitBreaker.State state() {
		return this.breaker.circuitBreaker().getState();
	}

	private JsonNode get(String path) {
		return JSON.readTree(text(path));
	}

	private String text(String path) {
		EntityExchangeResult<String> result = this.client.get().uri(path).exchange().returnResult(String.class);
		assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(200);
		return result.getResponseBody();
	}

}
