package dev.timefan.upstream;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import dev.timefan.PatientClient;
import dev.timefan.upstream.ScriptedUpstream.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code source=upstream} through every strategy against a real HTTP upstream on a random
 * port ({@link ScriptedUpstream}), scripted per zone: what is asked of it, what its
 * answers become, retries, fallback, the deadline, and what is left running after it. One
 * context per property set; each runs a single worker process.
 */
class UpstreamIntegrationTests {

	static final ScriptedUpstream UPSTREAM = new ScriptedUpstream();

	/** Requests go to the IPv4 loopback, so this is the client_ip of every answer. */
	static final String CLIENT_IP = "127.0.0.1";

	static final String ONE_WORKER = "timefan.processes.workers=1";

	/**
	 * One health probe per context, at its first upstream lookup: no probe of
	 * {@code Etc/UTC} lands among what a test counts.
	 */
	static final String ONE_PROBE = "timefan.upstream.health-interval=1h";

	/**
	 * The circuit breaker on, as shipped (the test configuration switches it off): each
	 * test starts with it closed and empty, and makes too few calls to open it.
	 */
	static final String BREAKER_ON = "timefan.upstream.circuit-breaker.enabled=true";

	static final String FALLBACK_SUFFIX = "; answered from the local tz database";

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Put by {@link Fault} where the upstream's words go: no caller may see it. */
	static final String SECRET = "UPSTREAMSECRET";

	/** The test configuration's upstream, where nothing listens. */
	static final String REFUSING_UPSTREAM = "127.0.0.1:9";

	/** The client each strategy's upstream calls are counted under. */
	static final Map<String, String> CLIENTS = Map.of("threads", "restclient", "virtual", "restclient", "processes",
			"worker", "reactive", "webclient");

	static Stream<String> strategies() {
		return Stream.of("threads", "virtual", "processes", "reactive");
	}

	static Stream<Arguments> strategiesAndBadBodies() {
		return strategiesAnd(Stream.of(Fault.values()).filter(Fault::badBody).toList());
	}

	static Stream<Arguments> strategiesAndFaults() {
		return strategiesAnd(List.of(Fault.values()));
	}

	private static Stream<Arguments> strategiesAnd(List<Fault> faults) {
		return strategies().flatMap((strategy) -> faults.stream().map((fault) -> arguments(strategy, fault)));
	}

	@AfterAll
	static void stopUpstream() {
		UPSTREAM.close();
	}

	/** The upstream's time object for a zone, as the caller must get it: its own IP. */
	static JsonNode upstreamTime(String zone) {
		ObjectNode time = (ObjectNode) JSON.readTree(ScriptedUpstream.body(zone));
		time.put("client_ip", CLIENT_IP);
		return time;
	}

	/**
	 * A fallback item: this service's tz database answered, for now, not the upstream.
	 */
	static void assertAnsweredLocally(JsonNode item, String zone) {
		JsonNode time = item.get("time");
		assertThat(time.get("timezone").asString()).isEqualTo(zone);
		assertThat(time.get("client_ip").asString()).isEqualTo(CLIENT_IP);
		assertThat(time.get("unixtime").asLong()).isCloseTo(Instant.now().getEpochSecond(), within(300L));
	}

	/**
	 * A reason as callers get it: the one expected, in words, with nothing internal: no
	 * upstream's words, no address, no exception or package name.
	 */
	static void assertCallerTerms(String reason, String expected) {
		assertThat(reason).isEqualTo(expected)
			.doesNotContain(SECRET, UPSTREAM.hostAndPort(), REFUSING_UPSTREAM, "localhost", "http:", "java.",
					"tools.jackson", "io.netty", "reactor.", "org.springframework")
			.doesNotContainPattern("[A-Z][a-z]+(Exception|Error)")
			.doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+");
	}

	/** An item as (zone, status, source, error). */
	static Tuple summary(JsonNode item) {
		return tuple(item.get("zone").asString(), item.get("status").asInt(), text(item, "source"),
				text(item, "error"));
	}

	static @Nullable String text(JsonNode node, String property) {
		JsonNode value = node.get(property);
		return (value != null) ? value.asString() : null;
	}

	static List<JsonNode> items(JsonNode batch) {
		return new ArrayList<>(batch.get("results").values());
	}

	static JsonNode item(JsonNode batch, int index) {
		return batch.get("results").get(index);
	}

	/** The beans and calls every context's tests use. */
	abstract static class Running {

		@LocalServerPort
		int port;

		@Autowired
		MeterRegistry registry;

		@Autowired
		UpstreamProbe probe;

		@Autowired
		UpstreamBreaker breaker;

		RestTestClient client;

		@BeforeEach
		void bindClientAndCloseTheBreaker() {
			this.client = PatientClient.to(this.port);
			this.breaker.circuitBreaker().reset();
		}

		/**
		 * POSTs a batch with source=upstream: always a 200 batch result, whatever the
		 * upstream did.
		 */
		JsonNode batch(String strategy, String... zones) {
			EntityExchangeResult<byte[]> result = this.client.post()
				.uri(uri("/" + strategy + "/time?source=upstream"))
				.contentType(MediaType.APPLICATION_JSON)
				.body(JSON.writeValueAsBytes(List.of(zones)))
				.exchange()
				.returnResult(byte[].class);
			Answer answer = answer(result);
			assertThat(answer.status()).as(answer.body()).isEqualTo(200);
			assertThat(answer.mediaType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
			JsonNode batch = answer.json();
			assertThat(batch.get("strategy").asString()).isEqualTo(strategy);
			assertThat(batch.get("source").asString()).isEqualTo("upstream");
			assertThat(batch.get("size").asInt()).isEqualTo(zones.length);
			assertThat(items(batch)).extracting((item) -> item.get("status").asInt()).doesNotContain(500);
			return batch;
		}

		/** GETs one zone with source=upstream. */
		Answer single(String strategy, String zone) {
			return answer(this.client.get()
				.uri(uri("/" + strategy + "/time/" + zone + "?source=upstream"))
				.exchange()
				.returnResult(byte[].class));
		}

		/**
		 * A single lookup that failed: problem+json with the item's status and reason.
		 */
		JsonNode assertProblem(Answer answer, int status, String type) {
			assertThat(answer.status()).as(answer.body()).isEqualTo(status);
			assertThat(answer.mediaType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			JsonNode problem = answer.json();
			assertThat(problem.get("status").asInt()).isEqualTo(status);
			assertThat(problem.get("type").asString()).isEqualTo(type);
			return problem;
		}

		double retries(String strategy) {
			Counter counter = this.registry.find("timefan.upstream.retries")
				.tag("client", CLIENTS.get(strategy))
				.counter();
			return (counter != null) ? counter.count() : 0;
		}

		double fallbacks(String strategy) {
			Counter counter = this.registry.find("timefan.upstream.fallbacks").tag("strategy", strategy).counter();
			return (counter != null) ? counter.count() : 0;
		}

		double inflight(String strategy) {
			return this.registry.get("timefan.inflight").tag("strategy", strategy).gauge().value();
		}

		private URI uri(String path) {
			return URI.create("http://" + CLIENT_IP + ":" + this.port + path);
		}

		private static Answer answer(EntityExchangeResult<byte[]> result) {
			MediaType type = result.getResponseHeaders().getContentType();
			byte[] body = result.getResponseBody();
			return new Answer(result.getStatus().value(),
					(type != null) ? type.getType() + "/" + type.getSubtype() : "",
					(body != null) ? new String(body, StandardCharsets.UTF_8) : "");
		}

	}

	/** Contexts whose upstream is {@link #UPSTREAM}, reset before each test. */
	abstract static class AgainstScriptedUpstream extends Running {

		@DynamicPropertySource
		static void upstream(DynamicPropertyRegistry properties) {
			properties.add("timefan.upstream.base-url", UPSTREAM::baseUrl);
		}

		/** The contexts whose every strategy has answered from the upstream once. */
		private static final Set<Integer> WARM = ConcurrentHashMap.newKeySet();

		/**
		 * Before a context's first test, waits until every strategy has answered from the
		 * upstream once. A first call runs cold code (the worker process even makes its
		 * client after its hello): on a busy machine it can take longer than a short
		 * deadline, which is no failure of what these tests assert. The first lookup
		 * started the health probe: its one probe is awaited too, so that it is not among
		 * the requests a test counts.
		 */
		@BeforeEach
		void warmEveryStrategyThenResetTheUpstream() {
			if (WARM.add(this.port)) {
				strategies().forEach((strategy) -> await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(summary(item(batch(strategy, "Etc/UTC"), 0)))
						.isEqualTo(tuple("Etc/UTC", 200, "upstream", null))));
				await().atMost(Duration.ofSeconds(60)).until(() -> this.probe.last() != null);
			}
			UPSTREAM.reset();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { ONE_WORKER, ONE_PROBE, BREAKER_ON })
	class WithFallback extends AgainstScriptedUpstream {

		@EachStrategy
		void upstreamTimeObjectIsAnsweredWithTheCallersIpAfterAskingForTheCanonicalName(String strategy) {
			JsonNode batch = batch(strategy, "Asia/Kolkata", "asia/kolkata", "Etc/GMT+5");
			assertThat(items(batch)).extracting(UpstreamIntegrationTests::summary)
				.containsExactly(tuple("Asia/Kolkata", 200, "upstream", null),
						tuple("asia/kolkata", 200, "upstream", null), tuple("Etc/GMT+5", 200, "upstream", null));
			assertThat(item(batch, 0).get("time")).isEqualTo(upstreamTime("Asia/Kolkata"));
			assertThat(item(batch, 1).get("time")).isEqualTo(upstreamTime("Asia/Kolkata"));
			assertThat(item(batch, 2).get("time")).isEqualTo(upstreamTime("Etc/GMT+5"));
			assertThat(item(batch, 0).get("time").get("unixtime").asLong()).isEqualTo(1_000_000_000L);
			assertThat(UPSTREAM.targets()).containsExactlyInAnyOrder("/api/timezone/Asia/Kolkata",
					"/api/timezone/Asia/Kolkata", "/api/timezone/Etc/GMT%2B5");

			Answer single = single(strategy, "asia/kolkata");
			assertThat(single.status()).as(single.body()).isEqualTo(200);
			assertThat(single.json()).isEqualTo(upstreamTime("Asia/Kolkata"));
			assertThat(UPSTREAM.requests("/api/timezone/Asia/Kolkata")).isEqualTo(3);
		}

		@EachStrategy
		void delayedAnswerWithinTheCallTimeoutStillComesFromTheUpstream(String strategy) {
			UPSTREAM.script("Europe/Paris", Step.delayed(Duration.ofMillis(500), "Europe/Paris"));
			JsonNode batch = batch(strategy, "Europe/Paris");
			assertThat(summary(item(batch, 0))).isEqualTo(tuple("Europe/Paris", 200, "upstream", null));
			assertThat(item(batch, 0).get("time")).isEqualTo(upstreamTime("Europe/Paris"));
			assertThat(batch.get("elapsed_ms").asDouble()).isGreaterThanOrEqualTo(500);
		}

		@EachStrategy
		void serverErrorsAreRetriedUntilTheUpstreamAnswersAndCounted(String strategy) {
			String target = UPSTREAM.script("Asia/Dhaka", Step.status(500), Step.status(503),
					Step.answer("Asia/Dhaka"));
			double retriesBefore = retries(strategy);
			JsonNode batch = batch(strategy, "Asia/Dhaka");
			assertThat(summary(item(batch, 0))).isEqualTo(tuple("Asia/Dhaka", 200, "upstream", null));
			assertThat(item(batch, 0).get("time")).isEqualTo(upstreamTime("Asia/Dhaka"));
			assertThat(UPSTREAM.requests(target)).isEqualTo(3);
			assertThat(retries(strategy)).isEqualTo(retriesBefore + 2);
		}

		@EachStrategy
		void droppedConnectionFallsBackToTheLocalDatabaseSayingWhy(String strategy) {
			UPSTREAM.script("Africa/Lagos", Step.dropConnection());
			double fallbacksBefore = fallbacks(strategy);
			JsonNode batch = batch(strategy, "Africa/Lagos");
			JsonNode item = item(batch, 0);
			assertThat(item.get("status").asInt()).isEqualTo(200);
			assertThat(item.get("source").asString()).isEqualTo("fallback");
			assertCallerTerms(item.get("error").asString(), "upstream connection broke (3 attempts)" + FALLBACK_SUFFIX);
			assertAnsweredLocally(item, "Africa/Lagos");
			assertThat(fallbacks(strategy)).isEqualTo(fallbacksBefore + 1);
		}

		@ParameterizedTest(name = "{0} {1}")
		@MethodSource("dev.timefan.upstream.UpstreamIntegrationTests#strategiesAndBadBodies")
		void answerThatIsNoTimeObjectOfTheZoneFallsBackWithoutRetrying(String strategy, Fault bad) {
			String target = UPSTREAM.script(Fault.ZONE, bad.step());
			double retriesBefore = retries(strategy);
			JsonNode batch = batch(strategy, Fault.ZONE);
			JsonNode item = item(batch, 0);
			assertThat(item.get("status").asInt()).isEqualTo(200);
			assertThat(item.get("source").asString()).isEqualTo("fallback");
			assertCallerTerms(item.get("error").asString(), bad.reason() + FALLBACK_SUFFIX);
			assertAnsweredLocally(item, Fault.ZONE);
			assertThat(UPSTREAM.requests(target)).isOne();
			assertThat(retries(strategy)).isEqualTo(retriesBefore);
		}

		@EachStrategy
		void tooManyRequestsIsRetriedAfterRetryAfterWhenThatFitsTheDeadline(String strategy) {
			String target = UPSTREAM.script("Asia/Tokyo", Step.status(429, "Retry-After: 1"),
					Step.answer("Asia/Tokyo"));
			double retriesBefore = retries(strategy);
			JsonNode batch = batch(strategy, "Asia/Tokyo");
			assertThat(summary(item(batch, 0))).isEqualTo(tuple("Asia/Tokyo", 200, "upstream", null));
			assertThat(item(batch, 0).get("time")).isEqualTo(upstreamTime("Asia/Tokyo"));
			assertThat(UPSTREAM.requests(target)).isEqualTo(2);
			assertThat(UPSTREAM.gapBeforeSecondRequest(target)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			assertThat(retries(strategy)).isEqualTo(retriesBefore + 1);
		}

		@EachStrategy
		void tooManyRequestsWithRetryAfterPastTheDeadlineFallsBackAtOnce(String strategy) {
			String target = UPSTREAM.script("Asia/Seoul", Step.status(429, "Retry-After: 30"));
			double retriesBefore = retries(strategy);
			JsonNode batch = batch(strategy, "Asia/Seoul");
			JsonNode item = item(batch, 0);
			assertThat(summary(item))
				.isEqualTo(tuple("Asia/Seoul", 200, "fallback", "upstream answered HTTP 429" + FALLBACK_SUFFIX));
			assertAnsweredLocally(item, "Asia/Seoul");
			assertThat(UPSTREAM.requests(target)).isOne();
			// One request and no retry counted: the item did not wait for the 30 s.
			assertThat(retries(strategy)).isEqualTo(retriesBefore);
		}

	}

	/**
	 * A deadline of 3 s, shorter than the call timeout, so a held call ends at the
	 * deadline rather than being retried.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { ONE_WORKER, ONE_PROBE, BREAKER_ON,
			"timefan.upstream.fallback=false", "timefan.batch.timeout=3s", "timefan.upstream.call-timeout=10s" })
	class WithoutFallback extends AgainstScriptedUpstream {

		@EachStrategy
		void upstreamSlowerThanTheDeadlineIs504AndItsCallIsCancelled(String strategy) {
			String held = UPSTREAM.script("Pacific/Auckland", Step.hold());
			JsonNode batch = batch(strategy, "Pacific/Auckland", "Asia/Kolkata");
			assertThat(items(batch)).extracting(UpstreamIntegrationTests::summary)
				.containsExactly(tuple("Pacific/Auckland", 504, null, "missed the batch deadline of 3000 ms"),
						tuple("Asia/Kolkata", 200, "upstream", null));
			assertThat(item(batch, 0).has("time")).isFalse();
			assertThat(batch.get("elapsed_ms").asDouble()).isGreaterThanOrEqualTo(2900.0);
			assertCallCancelled(strategy, held, 1);

			JsonNode problem = assertProblem(single(strategy, "Pacific/Auckland"), 504,
					"urn:timefan:problem:deadline-exceeded");
			assertThat(problem.get("detail").asString()).isEqualTo("missed the batch deadline of 3000 ms");
			assertCallCancelled(strategy, held, 2);
		}

		/**
		 * Nothing is left running: the client hung up on the held call, no retry
		 * followed, and the strategy has no zone in flight.
		 */
		private void assertCallCancelled(String strategy, String held, int calls) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(UPSTREAM.hangUps(held)).isEqualTo(calls);
				assertThat(inflight(strategy)).isZero();
			});
			assertThat(UPSTREAM.requests(held)).isEqualTo(calls);
		}

		@EachStrategy
		void serverErrorsUntilTheAttemptsAreSpentAre502(String strategy) {
			String target = UPSTREAM.script("Asia/Dhaka", Step.status(503));
			JsonNode batch = batch(strategy, "Asia/Dhaka", "Asia/Kolkata");
			assertThat(items(batch)).extracting(UpstreamIntegrationTests::summary)
				.containsExactly(tuple("Asia/Dhaka", 502, null, "upstream answered HTTP 503 (3 attempts)"),
						tuple("Asia/Kolkata", 200, "upstream", null));
			assertThat(UPSTREAM.requests(target)).isEqualTo(3);

			JsonNode problem = assertProblem(single(strategy, "Asia/Dhaka"), 502,
					"urn:timefan:problem:upstream-failed");
			assertThat(problem.get("detail").asString()).isEqualTo("upstream answered HTTP 503 (3 attempts)");
		}

		@ParameterizedTest(name = "{0} {1}")
		@MethodSource("dev.timefan.upstream.UpstreamIntegrationTests#strategiesAndBadBodies")
		void answerThatIsNoTimeObjectOfTheZoneIs502(String strategy, Fault bad) {
			String target = UPSTREAM.script(Fault.ZONE, bad.step());
			JsonNode batch = batch(strategy, Fault.ZONE);
			assertThat(summary(item(batch, 0))).isEqualTo(tuple(Fault.ZONE, 502, null, bad.reason()));
			assertThat(UPSTREAM.requests(target)).isOne();

			JsonNode problem = assertProblem(single(strategy, Fault.ZONE), 502, "urn:timefan:problem:upstream-failed");
			assertCallerTerms(problem.get("detail").asString(), bad.reason());
		}

	}

	/**
	 * Every way the upstream fails, through every strategy, without a fallback: the items
	 * and problems say what failed in the caller's terms and nothing of the upstream's
	 * words, its address or this service's insides. A call timeout of 1 s keeps the held
	 * calls short.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { ONE_WORKER, ONE_PROBE, BREAKER_ON,
			"timefan.upstream.fallback=false", "timefan.upstream.call-timeout=1s" })
	class CallerTerms extends AgainstScriptedUpstream {

		@ParameterizedTest(name = "{0} {1}")
		@MethodSource("dev.timefan.upstream.UpstreamIntegrationTests#strategiesAndFaults")
		void noFailureTellsTheCallerAnythingInternal(String strategy, Fault fault) {
			UPSTREAM.script(Fault.ZONE, fault.step());
			JsonNode batch = batch(strategy, Fault.ZONE, "Asia/Kolkata");
			assertThat(items(batch)).extracting(UpstreamIntegrationTests::summary)
				.containsExactly(tuple(Fault.ZONE, 502, null, fault.reason()),
						tuple("Asia/Kolkata", 200, "upstream", null));
			assertCallerTerms(item(batch, 0).get("error").asString(), fault.reason());
			assertThat(JSON.writeValueAsString(batch)).doesNotContain(SECRET, UPSTREAM.hostAndPort());

			Answer single = single(strategy, Fault.ZONE);
			JsonNode problem = assertProblem(single, 502, "urn:timefan:problem:upstream-failed");
			assertCallerTerms(problem.get("detail").asString(), fault.reason());
			assertThat(single.body()).doesNotContain(SECRET, UPSTREAM.hostAndPort());
		}

	}

	/** The test configuration's upstream: a port where nothing listens. */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, ONE_PROBE, BREAKER_ON, "timefan.upstream.fallback=false" })
	class RefusedWithoutFallback extends Running {

		@EachStrategy
		void refusedConnectionIs502SayingWhy(String strategy) {
			JsonNode batch = batch(strategy, "UTC", "Asia/Kolkata");
			assertThat(items(batch)).allSatisfy((item) -> {
				assertThat(item.get("status").asInt()).isEqualTo(502);
				assertThat(item.has("source")).isFalse();
				assertThat(item.has("time")).isFalse();
				assertCallerTerms(item.get("error").asString(), "upstream refused the connection (3 attempts)");
			});
			assertThat(batch.get("failed").asInt()).isEqualTo(2);

			Answer single = single(strategy, "Asia/Kolkata");
			JsonNode problem = assertProblem(single, 502, "urn:timefan:problem:upstream-failed");
			assertCallerTerms(problem.get("detail").asString(), "upstream refused the connection (3 attempts)");
			assertThat(single.body()).doesNotContain(REFUSING_UPSTREAM);
		}

		@EachStrategy
		void openCircuitBreakerIs502SayingSo(String strategy) {
			this.breaker.circuitBreaker().transitionToOpenState();
			JsonNode batch = batch(strategy, "UTC", "Asia/Kolkata");
			assertThat(items(batch)).extracting(UpstreamIntegrationTests::summary)
				.containsExactly(tuple("UTC", 502, null, "upstream circuit breaker is open"),
						tuple("Asia/Kolkata", 502, null, "upstream circuit breaker is open"));

			JsonNode problem = assertProblem(single(strategy, "Asia/Kolkata"), 502,
					"urn:timefan:problem:upstream-failed");
			assertCallerTerms(problem.get("detail").asString(), "upstream circuit breaker is open");
			assertThat(this.breaker.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(3);
		}

	}

	/**
	 * The ways an upstream fails a zone, each with what callers are told: a fault of its
	 * connection, its time or its answer. Each answer carries {@link #SECRET} where the
	 * upstream's words can go, so a reason that quotes them shows it.
	 */
	enum Fault {

		DROPPED(Step.dropConnection(), "upstream connection broke", 3),

		/** Held past the call timeout of {@link CallerTerms}. */
		TIMEOUT(Step.hold(), "upstream gave no answer within 1000 ms", 3),

		SERVER_ERROR(Step.json(503, "{\"error\":\"" + SECRET + " at db-7.internal:5432\"}"),
				"upstream answered HTTP 503", 3),

		NOT_JSON(Step.json(200, SECRET + "notjson <html><body>Service Unavailable</body></html>"),
				"upstream answered something that is not a time object", 1),

		NOT_A_TIME_OBJECT(Step.json(200, "{\"error\":\"" + SECRET + "\"}"),
				"upstream answered something that is not a time object", 1),

		WRONG_ZONE(Step.json(200, ScriptedUpstream.body("Asia/Dhaka").replace("Asia/Dhaka", "Asia/" + SECRET)),
				"upstream answered the time of another zone", 1),

		OVERSIZED(Step.json(200, "{\"padding\":\"" + SECRET + "x".repeat(70_000) + "\","
				+ ScriptedUpstream.body(Fault.ZONE).substring(1)), "upstream answer was too large", 1);

		static final String ZONE = "Australia/Sydney";

		private final Step step;

		private final String reason;

		private final int attempts;

		Fault(Step step, String reason, int attempts) {
			this.step = step;
			this.reason = reason;
			this.attempts = attempts;
		}

		Step step() {
			return this.step;
		}

		/** What callers are told: the reason, and how many calls it took. */
		String reason() {
			return this.reason + ((this.attempts > 1) ? " (" + this.attempts + " attempts)" : "");
		}

		/** A 2xx answer that is no time object of the zone: never retried. */
		boolean badBody() {
			return this.attempts == 1;
		}

	}

	record Answer(int status, String mediaType, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

	/**
	 * Each strategy of {@link #strategies()}.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.timefan.upstream.UpstreamIntegrationTests#strategies")
	@interface EachStrategy {

	}

}
