package dev.timefan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Overload through real HTTP and a real worker process: a strategy at capacity sheds
 * whole requests at once with 503 and Retry-After, and never takes the threads the other
 * strategies, health, metrics and the worldtimeapi API need. The {@code processes}
 * strategy is held at capacity by an upstream that answers only when the test lets it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timefan.processes.workers=1", "timefan.processes.max-batches=2",
				"timefan.processes.max-items=100", "timefan.batch.max-size=100", "timefan.batch.timeout=60s",
				"timefan.upstream.call-timeout=60s", "server.tomcat.threads.max=6" })
class OverloadIntegrationTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final HeldUpstream UPSTREAM = new HeldUpstream();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry registry;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry properties) {
		properties.add("timefan.upstream.base-url", UPSTREAM::baseUrl);
	}

	@AfterAll
	static void stopUpstream() {
		UPSTREAM.release();
		UPSTREAM.server.close();
	}

	@Test
	void aStrategyAtCapacityShedsWholeRequestsAndStarvesNothingElse() throws Exception {
		List<String> sixty = CATALOG.names().stream().filter((name) -> name.contains("/")).limit(60).toList();
		CompletableFuture<HttpResponse<String>> held = post("/processes/time?source=upstream", sixty);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(inflight()).isEqualTo(60));

		HttpResponse<String> overItems = post("/processes/time?source=upstream",
				CATALOG.names().stream().filter((name) -> name.startsWith("Europe/")).limit(50).toList())
			.get(60, TimeUnit.SECONDS);
		assertShed(overItems);
		assertThat(json(overItems).get("detail").asString())
			.startsWith("strategy 'processes' is at capacity (60 of its 100 zones in flight) and cannot take 50 "
					+ "more zones now; retry after ");

		CompletableFuture<HttpResponse<String>> heldSingle = get("/processes/time/Europe/Paris?source=upstream");
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(inflight()).isEqualTo(61));

		// Eight more than the strategy may hold, on a server of six threads: were they
		// let in, they would take every thread.
		List<CompletableFuture<HttpResponse<String>>> flood = IntStream.range(0, 8)
			.mapToObj((i) -> get("/processes/time/Asia/Tokyo?source=upstream"))
			.toList();
		for (CompletableFuture<HttpResponse<String>> response : flood) {
			HttpResponse<String> shed = response.get(60, TimeUnit.SECONDS);
			assertShed(shed);
			assertThat(json(shed).get("detail").asString()).startsWith(
					"strategy 'processes' is at capacity (all 2 of its requests in flight) and cannot take 1 more zone");
		}

		assertThat(get("/threads/time/Europe/Paris").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(get("/virtual/time?zones=UTC,GB").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(get("/api/timezone/Europe/London").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/liveness").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		String metrics = get("/actuator/prometheus").get(60, TimeUnit.SECONDS).body();
		assertThat(metrics).contains(
				"timefan_shed_requests_total{application=\"timefan\",limit=\"batches\",strategy=\"processes\"} 8.0",
				"timefan_shed_requests_total{application=\"timefan\",limit=\"items\",strategy=\"processes\"} 1.0");
		assertShed(get("/compare/time?zones=UTC,GB").get(60, TimeUnit.SECONDS));
		assertThat(held).as("the admitted requests are still waiting for the upstream").isNotDone();

		UPSTREAM.release();
		HttpResponse<String> whole = held.get(60, TimeUnit.SECONDS);
		assertThat(whole.statusCode()).isEqualTo(200);
		assertThat(json(whole).get("succeeded").asInt()).isEqualTo(60);
		assertThat(json(whole).get("results").findValuesAsString("source")).hasSize(60).containsOnly("upstream");
		assertThat(heldSingle.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(inflight()).isZero());
		assertThat(get("/processes/time/Asia/Tokyo?source=upstream").get(60, TimeUnit.SECONDS).statusCode())
			.as("admitted again once its requests are done")
			.isEqualTo(200);
	}

	private static void assertShed(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		JsonNode problem = json(response);
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("type").asString()).isEqualTo("urn:timefan:problem:overloaded");
		assertThat(problem.get("detail").asString())
			.endsWith("; retry after " + response.headers().firstValue("Retry-After").orElseThrow() + " s");
	}

	private double inflight() {
		return this.registry.get("timefan.inflight").tag("strategy", "processes").gauge().value();
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private CompletableFuture<HttpResponse<String>> get(String path) {
		return this.client.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(90)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> post(String path, List<String> zones) {
		return this.client.sendAsync(HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(90))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(zones)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	/** A worldtimeapi-compatible upstream that holds every request until released. */
	private static final class HeldUpstream extends Dispatcher {

		private static final String PREFIX = "/api/timezone/";

		private final MockWebServer server = new MockWebServer();

		private final CountDownLatch released = new CountDownLatch(1);

		private final WorldClock clock = new WorldClock(Clock.systemUTC());

		HeldUpstream() {
			this.server.setDispatcher(this);
		}

		synchronized String baseUrl() {
			if (!this.server.getStarted()) {
				try {
					this.server.start(InetAddress.getLoopbackAddress(), 0);
				}
				catch (IOException ex) {
					throw new IllegalStateException("the upstream could not start", ex);
				}
			}
			return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + this.server.getPort() + "/api";
		}

		void release() {
			this.released.countDown();
		}

		@Override
		public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
			String target = request.getTarget();
			Zone zone = target.startsWith(PREFIX)
					? CATALOG.find(URLDecoder.decode(target.substring(PREFIX.length()), StandardCharsets.UTF_8)) : null;
			if (zone == null) {
				return new MockResponse.Builder().code(404).body("{\"error\":\"unknown location\"}").build();
			}
			if (zone.name().equals("Etc/UTC")) {
				// The health probe's zone is never held.
				return answer(zone);
			}
			this.released.await(90, TimeUnit.SECONDS);
			return answer(zone);
		}

		private MockResponse answer(Zone zone) {
			return new MockResponse.Builder().code(200)
				.setHeader("Content-Type", "application/json; charset=utf-8")
				.body(JSON.writeValueAsString(this.clock.now(zone, "198.51.100.7")))
				.build();
		}

	}

}
