package dev.timefan.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.timefan.TimefanApplication;
import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutEngines;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Per-client rate limits against a real Tomcat on a random port, over real HTTP: off by
 * default; on, every API request counts against its client's requests limit and every
 * zone against its items limit, a refusal is 429 with {@code Retry-After} in the shape of
 * the API asked, clients are told apart by their forwarded address, and buckets refill as
 * an injected time advances (no test sleeps). Each test is a client of its own (its own
 * {@code X-Forwarded-For}), so tests share a context without sharing buckets.
 */
class RateLimitIntegrationTests {

	static final String ONE_WORKER = "timefan.processes.workers=1";

	static final String FORWARDED_FOR = "X-Forwarded-For";

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Addresses from the documentation ranges, one per client, never a trusted proxy's.
	 */
	private static final AtomicInteger CLIENTS = new AtomicInteger();

	static String newClient() {
		int n = CLIENTS.getAndIncrement();
		return ((n < 254) ? "198.51.100." : "203.0.113.") + (n % 254 + 1);
	}

	static String zones(int count) {
		List<String> zones = new ArrayList<>(Collections.nCopies(count, "Europe/Paris"));
		return "[\"" + String.join("\",\"", zones) + "\"]";
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aBadSettingStopsStartupWithAMessageNamingIt(CapturedOutput output) {
		SpringApplication application = new SpringApplication(TimefanApplication.class);
		assertThatException().isThrownBy(() -> application.run("--server.port=0", "--" + ONE_WORKER,
				"--timefan.rate-limit.enabled=true", "--timefan.rate-limit.items-per-second=0"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("timefan.rate-limit.items-per-second must be between 1 and 1000000000, got 0");
	}

	/** The helpers of every context's tests. */
	abstract static class Running {

		@LocalServerPort
		int port;

		HttpResponse<String> get(String path, @Nullable String client) {
			return send("GET", path, client, null);
		}

		HttpResponse<String> post(String path, @Nullable String client, String body) {
			return send("POST", path, client, body);
		}

		HttpResponse<String> send(String method, String path, @Nullable String client, @Nullable String body) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.timeout(Duration.ofSeconds(60))
				.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
						: HttpRequest.BodyPublishers.noBody());
			if (body != null) {
				request.header("Content-Type", "application/json");
			}
			if (client != null) {
				request.header(FORWARDED_FOR, client);
			}
			try {
				return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new IllegalStateException(method + " " + path + " failed", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(method + " " + path + " interrupted", ex);
			}
		}

	}

	/**
	 * The time the buckets refill by, frozen unless a test advances it.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ManualTimeConfiguration {

		@Bean
		ManualTime rateLimitTime() {
			return new ManualTime();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "timefan.rate-limit.enabled=true", "timefan.rate-limit.requests-per-second=5",
					"timefan.rate-limit.items-per-second=20", "server.forward-headers-strategy=native" })
	@Import(ManualTimeConfiguration.class)
	class Enabled extends Running {

		static final String REQUESTS_DETAIL = "more than 5 requests per second from this client; retry after 1 s";

		static final String ITEMS_DETAIL = "more than 20 zones per second from this client; retry after 1 s";

		@Autowired
		ManualTime time;

		@Autowired
		ClientRateLimits limits;

		@Autowired
		MeterRegistry registry;

		@Autowired
		ServletContext servletContext;

		@Autowired
		FanoutEngines engines;

		static Stream<Arguments> apiRequests() {
			List<Arguments> requests = new ArrayList<>();
			requests.add(arguments("GET", "/time/UTC", null));
			requests.add(arguments("GET", "/time?zones=UTC", null));
			requests.add(arguments("POST", "/time", "[\"UTC\"]"));
			for (String strategy : STRATEGIES) {
				requests.add(arguments("GET", "/" + strategy + "/time/Asia/Kolkata", null));
				requests.add(arguments("GET", "/" + strategy + "/time/Asia/Kolkata,Dhaka", null));
				requests.add(arguments("GET", "/" + strategy + "/time?zones=UTC", null));
				requests.add(arguments("POST", "/" + strategy + "/time", "[\"UTC\"]"));
			}
			requests.add(arguments("GET", "/compare/time?zones=UTC", null));
			requests.add(arguments("POST", "/compare/time", "[\"UTC\"]"));
			requests.add(arguments("GET", "/api/timezone", null));
			requests.add(arguments("GET", "/api/timezone/Europe", null));
			requests.add(arguments("GET", "/api/timezone/Europe/London", null));
			requests.add(arguments("GET", "/api/timezone/America/Argentina/Buenos_Aires.txt", null));
			requests.add(arguments("GET", "/api/timezone/Mars/Olympus", null));
			return requests.stream();
		}

		static final List<String> STRATEGIES = List.of("threads", "virtual", "processes", "reactive");

		@Test
		void theFilterIsRegisteredAndClientsAreTracked() {
			assertThat(this.servletContext.getFilterRegistration("rateLimit")).isNotNull();
			assertThat(this.limits.enabled()).isTrue();
		}

		@Test
		void everyStrategyIsAmongTheLimitedPaths() {
			List<String> strategies = this.engines.all().stream().map(FanoutEngine::strategy).toList();
			assertThat(strategies).containsExactlyInAnyOrderElementsOf(STRATEGIES);
			assertThat(RateLimitConfiguration.LIMITED_PATHS)
				.contains(strategies.stream().map((strategy) -> "/" + strategy + "/time/*").toArray(String[]::new));
		}

		@ParameterizedTest
		@MethodSource("apiRequests")
		void everyApiRequestCountsAgainstItsClientsRequestsLimit(String method, String path, @Nullable String body) {
			String client = newClient();
			for (int i = 0; i < 5; i++) {
				HttpResponse<String> answer = send(method, path, client, body);
				assertThat(answer.statusCode()).as("request %d: %s", i + 1, answer.body()).isIn(200, 404);
			}
			HttpResponse<String> refused = send(method, path, client, body);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().allValues("Retry-After")).containsExactly("1");
			if (path.startsWith("/api/") && path.endsWith(".txt")) {
				assertThat(refused.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
				assertThat(refused.body()).isEqualTo("Error: " + REQUESTS_DETAIL + "\n");
			}
			else if (path.startsWith("/api/")) {
				assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
				assertThat(JSON.readTree(refused.body()))
					.isEqualTo(JSON.readTree("{\"error\":\"" + REQUESTS_DETAIL + "\"}"));
			}
			else {
				assertProblem(refused, REQUESTS_DETAIL, path.replaceFirst("\\?.*", ""));
			}
		}

		@Test
		void aBatchOverTheItemsLimitIsRefusedBeforeAnyWork() {
			String client = newClient();
			double lookups = lookups();
			assertThat(post("/threads/time", client, zones(15)).statusCode()).isEqualTo(200);
			HttpResponse<String> refused = get(
					"/virtual/time?zones=" + String.join(",", Collections.nCopies(10, "UTC")), client);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().allValues("Retry-After")).containsExactly("1");
			assertProblem(refused, ITEMS_DETAIL, "/virtual/time");
			assertThat(lookups()).as("the refused batch looked nothing up").isEqualTo(lookups + 15);
			assertThat(
					get("/reactive/time?zones=" + String.join(",", Collections.nCopies(5, "UTC")), client).statusCode())
				.as("what is left")
				.isEqualTo(200);
		}

		@Test
		void aSingleLookupTakesOneItem() {
			String client = newClient();
			assertThat(post("/processes/time", client, zones(19)).statusCode()).isEqualTo(200);
			assertThat(get("/reactive/time/Asia/Kolkata", client).statusCode()).isEqualTo(200);
			HttpResponse<String> refused = get("/reactive/time/Asia/Kolkata", client);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertProblem(refused, ITEMS_DETAIL, "/reactive/time/Asia/Kolkata");
		}

		@Test
		void aBatchLargerThanTheBucketPassesWhenItIsFullAndTheClientWaitsOffItsDebt() {
			String client = newClient();
			HttpResponse<String> large = post("/virtual/time", client, zones(50));
			assertThat(large.statusCode()).isEqualTo(200);
			assertThat(JSON.readTree(large.body()).get("succeeded").intValue()).isEqualTo(50);
			// 30 owed: one more zone waits for 31 at 20 a second.
			HttpResponse<String> refused = get("/time/UTC", client);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().allValues("Retry-After")).containsExactly("2");
			assertProblem(refused, "more than 20 zones per second from this client; retry after 2 s", "/time/UTC");
			this.time.advance(Duration.ofSeconds(2));
			assertThat(get("/time/UTC", client).statusCode()).isEqualTo(200);
		}

		@Test
		void aComparisonTakesItsZonesOncePerStrategyAllBeforeItsFirstRun() {
			String client = newClient();
			// 15 zones through 4 strategies: 60 items, more than the bucket, taken at
			// once.
			HttpResponse<String> compared = post("/compare/time", client, zones(15));
			assertThat(compared.statusCode()).isEqualTo(200);
			JsonNode runs = JSON.readTree(compared.body()).get("runs");
			assertThat(runs.valueStream().map((run) -> run.get("succeeded").intValue())).containsExactly(15, 15, 15,
					15);
			HttpResponse<String> refused = get("/compare/time?zones=UTC", client);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().allValues("Retry-After")).containsExactly("3");
		}

		@Test
		void theWorldTimeApiTakesAnItemAndAnswersItsRefusalInItsOwnShape() {
			String client = newClient();
			assertThat(post("/threads/time", client, zones(20)).statusCode()).isEqualTo(200);
			HttpResponse<String> refused = get("/api/timezone/Europe/London", client);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().allValues("Retry-After")).containsExactly("1");
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
			assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("{\"error\":\"" + ITEMS_DETAIL + "\"}"));
		}

		@Test
		void clientsAreToldApartByTheirForwardedAddress() {
			String drained = newClient();
			String other = newClient();
			for (int i = 0; i < 5; i++) {
				assertThat(get("/threads/time/UTC", drained).statusCode()).isEqualTo(200);
			}
			assertThat(get("/threads/time/UTC", drained).statusCode()).isEqualTo(429);
			HttpResponse<String> answer = get("/threads/time/UTC", other);
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(JSON.readTree(answer.body()).get("client_ip").stringValue()).isEqualTo(other);
			assertThat(get("/api/timezone/UTC", other).statusCode()).isEqualTo(200);
		}

		@Test
		void addressesPrependedToTheForwardedHeaderMakeNoNewClient() {
			String client = newClient();
			for (int i = 0; i < 5; i++) {
				assertThat(get("/time/UTC", "192.0.2." + (i + 1) + ", " + client).statusCode()).isEqualTo(200);
			}
			HttpResponse<String> refused = get("/time/UTC", "192.0.2.99, " + client);
			assertThat(refused.statusCode()).isEqualTo(429);
		}

		@Test
		void aBucketRefillsWhenTheInjectedTimeAdvances() {
			String client = newClient();
			for (int i = 0; i < 5; i++) {
				assertThat(get("/time/UTC", client).statusCode()).isEqualTo(200);
			}
			assertThat(get("/time/UTC", client).statusCode()).isEqualTo(429);
			this.time.advance(Duration.ofMillis(200));
			assertThat(get("/time/UTC", client).statusCode()).as("one request refilled").isEqualTo(200);
			assertThat(get("/time/UTC", client).statusCode()).isEqualTo(429);
			this.time.advance(Duration.ofSeconds(1));
			for (int i = 0; i < 5; i++) {
				assertThat(get("/time/UTC", client).statusCode()).isEqualTo(200);
			}
			assertThat(get("/time/UTC", client).statusCode()).isEqualTo(429);
		}

		@ParameterizedTest
		@ValueSource(strings = { "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus",
				"/actuator/metrics", "/v3/api-docs", "/swagger-ui/index.html", "/", "/no/such/path" })
		void actuatorOpenApiAndOtherPathsAreNotLimited(String path) {
			String client = newClient();
			for (int i = 0; i < 6; i++) {
				assertThat(get("/time/UTC", client).statusCode()).isIn(200, 429);
			}
			assertThat(get("/time/UTC", client).statusCode()).isEqualTo(429);
			for (int i = 0; i < 8; i++) {
				assertThat(get(path, client).statusCode()).as(path).isNotEqualTo(429);
			}
		}

		@Test
		void refusalsAreCountedByLimitAndScraped() {
			double requests = rejections("requests");
			double items = rejections("items");
			String client = newClient();
			assertThat(post("/threads/time", client, zones(20)).statusCode()).isEqualTo(200);
			assertThat(get("/threads/time/UTC", client).statusCode()).isEqualTo(429);
			for (int i = 0; i < 4; i++) {
				get("/api/timezone", client);
			}
			// The single lookup and three worldtimeapi requests find no item left; the
			// fourth,
			// the client's sixth request, no request.
			assertThat(rejections("requests")).isEqualTo(requests + 1);
			assertThat(rejections("items")).isEqualTo(items + 4);
			assertThat(this.registry.find("http.server.requests").tag("status", "429").timers())
				.as("refusals are observed like every answer")
				.isNotEmpty();
			assertThat(get("/actuator/prometheus", client).body())
				.contains("timefan_ratelimit_rejections_requests_total{application=\"timefan\",limit=\"items\"}")
				.contains("timefan_ratelimit_rejections_requests_total{application=\"timefan\",limit=\"requests\"}")
				.contains("timefan_ratelimit_clients{application=\"timefan\"}");
		}

		private double rejections(String limit) {
			return this.registry.get("timefan.ratelimit.rejections").tag("limit", limit).counter().count();
		}

		private double lookups() {
			return this.registry.find("timefan.lookup")
				.timers()
				.stream()
				.mapToDouble((timer) -> (double) timer.count())
				.sum();
		}

		private void assertProblem(HttpResponse<String> refused, String detail, String instance) {
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			JsonNode problem = JSON.readTree(refused.body());
			assertThat(problem.propertyNames()).containsExactly("type", "title", "status", "detail", "instance");
			assertThat(problem.get("type").stringValue()).isEqualTo("urn:timefan:problem:rate-limited");
			assertThat(problem.get("title").stringValue()).isEqualTo("Too Many Requests");
			assertThat(problem.get("status").intValue()).isEqualTo(429);
			assertThat(problem.get("detail").stringValue()).isEqualTo(detail);
			assertThat(problem.get("instance").stringValue()).isEqualTo(instance);
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = ONE_WORKER)
	@Import(ManualTimeConfiguration.class)
	class Disabled extends Running {

		@Autowired
		ClientRateLimits limits;

		@Autowired
		ServletContext servletContext;

		@Test
		void byDefaultNothingIsTrackedAndNoFilterIsRegistered() {
			assertThat(this.limits).isSameAs(ClientRateLimits.none());
			assertThat(this.servletContext.getFilterRegistration("rateLimit")).isNull();
		}

		/**
		 * The time the limits would refill by stands still: on, the defaults (20
		 * requests, 1,000 zones) would refuse the 21st request and the second large
		 * batch.
		 */
		@Test
		void wellOverTheDefaultLimitsEveryRequestPasses() {
			String client = newClient();
			for (int i = 0; i < 60; i++) {
				assertThat(get("/threads/time/UTC", client).statusCode()).isEqualTo(200);
				assertThat(get("/api/timezone/UTC", client).statusCode()).isEqualTo(200);
			}
			for (int i = 0; i < 3; i++) {
				assertThat(post("/virtual/time", client, zones(1000)).statusCode()).isEqualTo(200);
			}
			assertThat(post("/compare/time", client, zones(1000)).statusCode()).isEqualTo(200);
			assertThat(this.limits.clients()).isZero();
		}

	}

}
