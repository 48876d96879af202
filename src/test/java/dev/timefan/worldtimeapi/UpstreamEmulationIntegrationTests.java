package dev.timefan.worldtimeapi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.PatientClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/timezone...} as a slow, flaky upstream, on a random port: off by default,
 * delayed without holding a thread (1,000 concurrent delayed requests through 4 Tomcat
 * threads), and failing the configured fraction. Whether a request went async is read off
 * the servlet API by a probe filter in front of everything.
 */
class UpstreamEmulationIntegrationTests {

	/** The instant of the captured Europe/London summer example. */
	static final Instant NOW = Instant.parse("2025-07-31T16:09:21.105749Z");

	/** worldtimeapi.org's captured answer at {@link #NOW}, asked from this machine. */
	static final String LONDON = """
			{"utc_offset":"+01:00","timezone":"Europe/London","day_of_week":4,"day_of_year":212,\
			"datetime":"2025-07-31T17:09:21.105749+01:00","utc_datetime":"2025-07-31T16:09:21.105749+00:00",\
			"unixtime":1753978161,"raw_offset":0,"week_number":31,"dst":true,"abbreviation":"BST",\
			"dst_offset":3600,"dst_from":"2025-03-30T01:00:00+00:00","dst_until":"2025-10-26T01:00:00+00:00",\
			"client_ip":"127.0.0.1"}""";

	static final String FAILURE = "{\"error\":\"emulated failure\"}";

	/** One worker JVM per context: the processes strategy plays no part here. */
	static final String ONE_WORKER = "timefan.processes.workers=1";

	/** The beans and helpers every nested context's tests use. */
	abstract static class Running {

		@LocalServerPort
		int port;

		@Autowired
		AsyncProbe probe;

		@Autowired
		JsonMapper mapper;

		RestTestClient client;

		@BeforeEach
		void bindClientAndResetProbe() {
			this.client = PatientClient.to(this.port);
			this.probe.reset();
		}

		EntityExchangeResult<String> get(String path) {
			return this.client.get().uri(path).exchange().returnResult(String.class);
		}

		HttpRequest request(String path) {
			return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.timeout(Duration.ofSeconds(30))
				.build();
		}

		static HttpClient http() {
			return HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(10))
				.build();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = ONE_WORKER)
	@Import(Probed.class)
	class Defaults extends Running {

		@Autowired
		ServletContext servletContext;

		@Test
		void registersNoFilter() {
			assertThat(this.servletContext.getFilterRegistration("upstreamEmulation")).isNull();
		}

		@Test
		void answersEveryKindOfRequestSynchronously() {
			assertThat(this.mapper.readTree(get("/api/timezone/Europe/London").getResponseBody()))
				.isEqualTo(this.mapper.readTree(LONDON));
			assertThat(get("/api/timezone").getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(get("/api/timezone/Europe.txt").getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(get("/api/timezone/Mars/Olympus").getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(this.probe.synchronous()).isEqualTo(4);
			assertThat(this.probe.async()).isZero();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "timefan.emulation.latency=1s", "timefan.emulation.jitter=100ms",
					"timefan.emulation.failure-rate=0", "server.tomcat.threads.max=4",
					"server.tomcat.threads.min-spare=4", "server.tomcat.accept-count=1000" })
	@Import(Probed.class)
	class SlowUpstream extends Running {

		static final Duration LATENCY = Duration.ofSeconds(1);

		@Autowired
		UpstreamEmulationFilter filter;

		@Autowired
		MeterRegistry registry;

		@Test
		void everyKindOfAnswerComesNoSoonerThanTheLatency() throws Exception {
			List<String> paths = List.of("/api/timezone/Europe/London", "/api/timezone", "/api/timezone.txt",
					"/api/timezone/Europe.txt", "/api/timezone/Mars/Olympus");
			try (HttpClient http = http()) {
				List<CompletableFuture<Timed>> answers = new ArrayList<>();
				for (String path : paths) {
					long start = System.nanoTime();
					answers.add(http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString())
						.thenApply((response) -> new Timed(response, Duration.ofNanos(System.nanoTime() - start))));
				}
				CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				assertThat(answers).allSatisfy((answer) -> assertThat(answer.join().elapsed()).isGreaterThan(LATENCY));
				assertThat(answers).extracting((answer) -> answer.join().response().statusCode())
					.containsExactly(200, 200, 200, 200, 404);
				assertThat(this.mapper.readTree(answers.getFirst().join().response().body()))
					.isEqualTo(this.mapper.readTree(LONDON));
				assertThat(answers.get(3).join().response().body()).startsWith("Europe/");
				assertThat(answers.get(4).join().response().body()).isEqualTo("{\"error\":\"unknown location\"}");
			}
			assertThat(this.probe.async()).isEqualTo(paths.size());
			assertThat(this.probe.synchronous()).isZero();
		}

		@Test
		void thousandConcurrentDelayedRequestsAllAnswerThroughFourTomcatThreads() throws Exception {
			// A thread held per delayed request would answer 4 a second: 250 s for the
			// thousand, far past every request's 30 s timeout.
			JsonNode london = this.mapper.readTree(LONDON);
			try (HttpClient http = http()) {
				List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					answers.add(http.sendAsync(request("/api/timezone/Europe/London"),
							HttpResponse.BodyHandlers.ofString()));
				}
				CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				assertThat(answers).allSatisfy((answer) -> {
					assertThat(answer.join().statusCode()).isEqualTo(200);
					assertThat(this.mapper.readTree(answer.join().body())).isEqualTo(london);
				});
			}
			assertThat(this.probe.async()).isEqualTo(1000);
		}

		@Test
		void aClientThatHangsUpMidDelayLeavesNothingBehind() throws IOException {
			long before = completed("/api/timezone/{area}");
			try (Socket socket = new Socket("localhost", this.port)) {
				OutputStream out = socket.getOutputStream();
				out.write("GET /api/timezone/UTC HTTP/1.1\r\nHost: localhost\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.probe.async()).isOne());
			}
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				assertThat(completed("/api/timezone/{area}")).as("the request's async cycle ended")
					.isEqualTo(before + 1);
				assertThat(this.filter.pendingDispatches()).isZero();
				assertThat(this.registry.find("http.server.requests.active").longTaskTimers())
					.allSatisfy((active) -> assertThat(active.activeTasks()).isZero());
			});
		}

		@Test
		void leavesEverythingButTheApiAlone() {
			assertThat(get("/threads/time/UTC").getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(get("/time/UTC").getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(get("/actuator/health").getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(get("/api/timezones").getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(this.probe.synchronous()).isEqualTo(4);
			assertThat(this.probe.async()).isZero();
		}

		private long completed(String uri) {
			return this.registry.find("http.server.requests")
				.tag("uri", uri)
				.timers()
				.stream()
				.mapToLong(Timer::count)
				.sum();
		}

		record Timed(HttpResponse<String> response, Duration elapsed) {
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "timefan.emulation.latency=20ms", "timefan.emulation.failure-rate=1" })
	@Import(Probed.class)
	class FailingUpstream extends Running {

		@Test
		void failsATimeObjectWithServiceUnavailable() {
			assertFailure(get("/api/timezone/Europe/London"));
		}

		@Test
		void failsAListWithServiceUnavailable() {
			assertFailure(get("/api/timezone"));
			assertFailure(get("/api/timezone/Europe"));
		}

		@Test
		void failsAnUnknownLocationToo() {
			assertFailure(get("/api/timezone/Mars/Olympus"));
		}

		@Test
		void failsPlainTextInPlainText() {
			EntityExchangeResult<String> result = get("/api/timezone/Europe/London.txt");
			assertThat(result.getStatus()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(result.getResponseHeaders().getContentType()).isNotNull()
				.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.TEXT_PLAIN)).isTrue());
			assertThat(result.getResponseBody()).isEqualTo("Error: emulated failure\n");
		}

		@Test
		void failsAfterTheDelayWithoutHoldingAThread() {
			assertFailure(get("/api/timezone/UTC"));
			assertThat(this.probe.async()).isOne();
		}

		private void assertFailure(EntityExchangeResult<String> result) {
			assertThat(result.getStatus()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
			assertThat(result.getResponseBody()).isEqualTo(FAILURE);
		}

	}

	/**
	 * Pins the clock and puts {@link AsyncProbe} in front of every filter.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class Probed {

		@Bean
		@Primary
		Clock fixedClock() {
			return Clock.fixed(NOW, ZoneOffset.UTC);
		}

		@Bean
		AsyncProbe asyncProbe() {
			return new AsyncProbe();
		}

		@Bean
		FilterRegistrationBean<AsyncProbe> asyncProbeRegistration(AsyncProbe probe) {
			FilterRegistrationBean<AsyncProbe> registration = new FilterRegistrationBean<>(probe);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setDispatcherTypes(DispatcherType.REQUEST);
			return registration;
		}

	}

	/**
	 * Counts the requests that left their first dispatch with async processing started (a
	 * thread was given back while the request waits) and those answered on it.
	 */
	static final class AsyncProbe implements Filter {

		private final AtomicInteger async = new AtomicInteger();

		private final AtomicInteger synchronous = new AtomicInteger();

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			chain.doFilter(request, response);
			(request.isAsyncStarted() ? this.async : this.synchronous).incrementAndGet();
		}

		int async() {
			return this.async.get();
		}

		int synchronous() {
			return this.synchronous.get();
		}

		void reset() {
			this.async.set(0);
			this.synchronous.set(0);
		}

	}

}
