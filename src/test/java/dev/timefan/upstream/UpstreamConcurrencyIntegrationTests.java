package dev.timefan.upstream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With default settings a whole batch leaves at once: an upstream that holds every call
 * until the test lets it go sees all of a 600-zone batch in flight together through
 * {@code virtual}, {@code reactive} and two worker processes, where the fixed caps of
 * before (256 connections, 256 reactive calls a batch) let at most 256 out.
 * {@code threads} sends as many as its pool has threads, and never more. 600 connections
 * at once may take a loaded machine longer than the default connect timeout, which would
 * cut the limit, and held calls would never let it grow back: here connecting may take 30
 * s, and a call 60 s.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "timefan.processes.workers=2",
		"timefan.upstream.call-timeout=60s", "timefan.batch.timeout=60s", "timefan.upstream.connect-timeout=30s" })
class UpstreamConcurrencyIntegrationTests {

	private static final int BATCH = 600;

	private static final int THREADS_POOL = 256;

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HeldUpstream UPSTREAM = new HeldUpstream();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("timefan.upstream.base-url", UPSTREAM::baseUrl);
	}

	@AfterEach
	void releaseEverything() {
		UPSTREAM.reset();
	}

	@AfterAll
	static void stopUpstream() {
		UPSTREAM.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "virtual", "reactive", "processes" })
	void aWholeBatchIsInFlightAtOnce(String strategy) throws Exception {
		CompletableFuture<HttpResponse<String>> batch = post(strategy, names(BATCH));
		await().atMost(Duration.ofSeconds(90))
			.untilAsserted(() -> assertThat(UPSTREAM.held()).as("calls held at the upstream").isEqualTo(BATCH));
		UPSTREAM.release();
		assertAllFromUpstream(batch.get(90, TimeUnit.SECONDS), BATCH);
	}

	@Test
	void threadsSendsAsManyAsItsPoolHasThreads() throws Exception {
		CompletableFuture<HttpResponse<String>> batch = post("threads", names(BATCH));
		await().atMost(Duration.ofSeconds(90))
			.untilAsserted(() -> assertThat(UPSTREAM.held()).as("calls held at the upstream").isEqualTo(THREADS_POOL));
		UPSTREAM.release();
		assertAllFromUpstream(batch.get(90, TimeUnit.SECONDS), BATCH);
		assertThat(UPSTREAM.mostHeld()).as("never more than the pool's threads").isEqualTo(THREADS_POOL);
	}

	/** Catalog names, cycled; never the health probe's zone, which is not held. */
	private static List<String> names(int count) {
		List<String> names = CATALOG.names().stream().filter((name) -> !name.equals("Etc/UTC")).toList();
		return IntStream.range(0, count).mapToObj((i) -> names.get(i % names.size())).toList();
	}

	private static void assertAllFromUpstream(HttpResponse<String> response, int size) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode result = JSON.readTree(response.body());
		assertThat(result.get("succeeded").asInt()).isEqualTo(size);
		assertThat(result.get("results").findValuesAsString("source")).hasSize(size).containsOnly("upstream");
	}

	private CompletableFuture<HttpResponse<String>> post(String strategy, List<String> names) {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/" + strategy + "/time?source=upstream"))
			.timeout(Duration.ofSeconds(120))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(names)))
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A worldtimeapi-compatible upstream on the JDK's HTTP server, a virtual thread per
	 * request, that holds every zone's call (but the probe's) until released, counting
	 * how many it holds at once.
	 */
	private static final class HeldUpstream {

		private static final String PREFIX = "/api/timezone/";

		private final WorldClock clock = new WorldClock(Clock.systemUTC());

		private final AtomicInteger held = new AtomicInteger();

		private final AtomicInteger mostHeld = new AtomicInteger();

		private volatile CountDownLatch released = new CountDownLatch(1);

		private HttpServer server;

		synchronized String baseUrl() {
			if (this.server == null) {
				try {
					this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
				}
				catch (IOException ex) {
					throw new IllegalStateException("the upstream could not start", ex);
				}
				this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
				this.server.createContext("/api/", this::handle);
				this.server.start();
			}
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api";
		}

		int held() {
			return this.held.get();
		}

		int mostHeld() {
			return this.mostHeld.get();
		}

		void release() {
			this.released.countDown();
		}

		void reset() {
			this.released.countDown();
			await().atMost(Duration.ofSeconds(60)).until(() -> this.held.get() == 0);
			this.mostHeld.set(0);
			this.released = new CountDownLatch(1);
		}

		synchronized void stop() {
			this.released.countDown();
			if (this.server != null) {
				this.server.stop(0);
			}
		}

		private void handle(HttpExchange exchange) throws IOException {
			try (exchange) {
				String path = exchange.getRequestURI().getRawPath();
				Zone zone = path.startsWith(PREFIX)
						? CATALOG.find(URLDecoder.decode(path.substring(PREFIX.length()), StandardCharsets.UTF_8))
						: null;
				if (zone == null) {
					send(exchange, 404, "{\"error\":\"unknown location\"}");
					return;
				}
				if (!zone.name().equals("Etc/UTC")) {
					CountDownLatch latch = this.released;
					this.mostHeld.accumulateAndGet(this.held.incrementAndGet(), Math::max);
					try {
						latch.await(90, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					finally {
						this.held.decrementAndGet();
					}
				}
				send(exchange, 200, JSON.writeValueAsString(this.clock.now(zone, "198.51.100.7")));
			}
		}

		private static void send(HttpExchange exchange, int status, String body) throws IOException {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}

	}

}
