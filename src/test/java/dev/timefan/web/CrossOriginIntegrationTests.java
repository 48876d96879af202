package dev.timefan.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS against a real Tomcat on a random port, with real preflight requests (OPTIONS with
 * {@code Origin} and {@code Access-Control-Request-Method}) from a real HTTP client: open
 * to every origin by default for the read-only API, GETs and the POSTs of the fan-out
 * alike; limited to the configured origins when set, every other refused with a 403
 * problem; preflights answered before the rate limits count them, and a 429 readable by
 * the page.
 */
class CrossOriginIntegrationTests {

	static final String ONE_WORKER = "timefan.processes.workers=1";

	static final String PAGE = "https://page.example.com";

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The helpers of every context's tests. */
	abstract static class Running {

		@LocalServerPort
		int port;

		HttpResponse<String> send(String method, String path, Map<String, String> headers, @Nullable String body) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.timeout(Duration.ofSeconds(60))
				.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
						: HttpRequest.BodyPublishers.noBody());
			headers.forEach(request::header);
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

		HttpResponse<String> get(String path, String origin) {
			return send("GET", path, Map.of("Origin", origin), null);
		}

		HttpResponse<String> preflight(String path, String origin, String method, @Nullable String headers) {
			Map<String, String> request = new LinkedHashMap<>();
			request.put("Origin", origin);
			request.put("Access-Control-Request-Method", method);
			if (headers != null) {
				request.put("Access-Control-Request-Headers", headers);
			}
			return send("OPTIONS", path, request, null);
		}

		static Optional<String> header(HttpResponse<String> response, String name) {
			return response.headers().firstValue(name);
		}

		static void assertRefusedWithAProblem(HttpResponse<String> response) {
			assertThat(response.statusCode()).isEqualTo(403);
			assertThat(header(response, "Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(header(response, "Access-Control-Allow-Origin")).isEmpty();
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.get("type").stringValue()).isEqualTo("urn:timefan:problem:cors-refused");
			assertThat(problem.get("status").intValue()).isEqualTo(403);
			assertThat(problem.get("detail").stringValue()).startsWith("cross-origin request refused");
			assertThat(problem.get("instance").isString()).isTrue();
		}

	}

	/** The default: open to every origin, like worldtimeapi.org. */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = ONE_WORKER)
	class OpenByDefault extends Running {

		@ParameterizedTest
		@ValueSource(strings = { "/api/ip", "/api/ip/81.2.69.160.txt", "/api/timezone", "/api/timezone/Europe/London",
				"/api/timezone/Europe/London.txt", "/time/UTC", "/time?zones=UTC,Asia/Kolkata",
				"/threads/time/Asia/Kolkata", "/virtual/time/Asia/Kolkata,Dhaka", "/processes/time/UTC",
				"/reactive/time/America/Argentina/Buenos_Aires", "/compare/time?zones=UTC",
				"/zones/Europe/London/transitions", "/convert?from=Europe/London&to=Asia/Kolkata&at=2026-03-29T01:30",
				"/page/stats" })
		void answersAnyOriginsGetWithAStar(String path) {
			HttpResponse<String> response = get(path, PAGE);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).as(path).hasValue("*");
			assertThat(header(response, "Access-Control-Allow-Credentials")).as(path).isEmpty();
		}

		@Test
		void letsThePageReadTheFanOutsOwnHeaders() {
			HttpResponse<String> response = get("/threads/time/UTC", PAGE);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(header(response, "Access-Control-Expose-Headers"))
				.hasValueSatisfying((exposed) -> assertThat(exposed.split(",\\s*")).contains("Retry-After",
						"Server-Timing", "Timefan-Source"));
		}

		@Test
		void letsThePageReadAnErrorToo() {
			HttpResponse<String> response = get("/threads/time/Mars/Olympus", PAGE);
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(header(response, "Access-Control-Allow-Origin")).hasValue("*");
			HttpResponse<String> malformed = get("/api/ip/not-an-ip", PAGE);
			assertThat(malformed.statusCode()).isEqualTo(400);
			assertThat(header(malformed, "Access-Control-Allow-Origin")).hasValue("*");
		}

		@ParameterizedTest
		@ValueSource(strings = { "/api/ip", "/api/ip/2001:db8::1", "/api/timezone/Europe/London", "/time/UTC",
				"/reactive/time/Asia/Kolkata", "/compare/time" })
		void answersAGetPreflight(String path) {
			HttpResponse<String> response = preflight(path, PAGE, "GET", null);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).as(path).hasValue("*");
			assertThat(header(response, "Access-Control-Allow-Methods")).as(path)
				.hasValueSatisfying((methods) -> assertThat(methods).contains("GET"));
			assertThat(header(response, "Access-Control-Max-Age")).as(path).hasValue("1800");
			assertThat(response.body()).isEmpty();
		}

		@ParameterizedTest
		@ValueSource(strings = { "/time", "/threads/time", "/virtual/time", "/processes/time", "/reactive/time",
				"/compare/time" })
		void answersAPostPreflightForAJsonBody(String path) {
			HttpResponse<String> response = preflight(path, PAGE, "POST", "content-type");
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).as(path).hasValue("*");
			assertThat(header(response, "Access-Control-Allow-Methods")).as(path)
				.hasValueSatisfying((methods) -> assertThat(methods).contains("POST"));
			assertThat(header(response, "Access-Control-Allow-Headers")).as(path)
				.hasValueSatisfying((headers) -> assertThat(headers).containsIgnoringCase("content-type"));
		}

		@Test
		void answersTheCrossOriginPostItself() {
			HttpResponse<String> response = send("POST", "/time",
					Map.of("Origin", PAGE, "Content-Type", "application/json"), "[\"Asia/Kolkata\",\"Europe/Paris\"]");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).hasValue("*");
			assertThat(JSON.readTree(response.body()).get("succeeded").intValue()).isEqualTo(2);
		}

		@ParameterizedTest
		@ValueSource(strings = { "POST", "PUT", "DELETE" })
		void refusesAPreflightForAMethodTheWorldtimeapiApiDoesNotHave(String method) {
			assertRefusedWithAProblem(preflight("/api/ip", PAGE, method, null));
		}

		@Test
		void setsNoCorsHeaderForASameOriginOrNonBrowserRequest() {
			HttpResponse<String> response = send("GET", "/api/ip", Map.of(), null);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).isEmpty();
		}

		@ParameterizedTest
		@ValueSource(strings = { "/actuator/health", "/v3/api-docs" })
		void leavesWhatIsNotTheApiAlone(String path) {
			HttpResponse<String> response = get(path, PAGE);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).as(path).isEmpty();
		}

	}

	/**
	 * Origins configured, rate limits on (one request a second, never refilling), each
	 * test a client of its own through {@code X-Forwarded-For}.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "timefan.cors.allowed-origins=https://clock.example.org,https://*.example.net",
					"timefan.cors.max-age=10m", "timefan.rate-limit.enabled=true",
					"timefan.rate-limit.requests-per-second=1", "server.forward-headers-strategy=native" })
	@Import(FrozenLimits.class)
	class ConfiguredOrigins extends Running {

		@ParameterizedTest
		@CsvSource(textBlock = """
				https://clock.example.org,    198.51.100.1
				https://kitchen.example.net,  198.51.100.2
				https://a.b.example.net,      198.51.100.3
				""")
		void answersAnAllowedOriginWithItsName(String origin, String client) {
			HttpResponse<String> response = send("GET", "/api/ip", Map.of("Origin", origin, "X-Forwarded-For", client),
					null);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).hasValue(origin);
			assertThat(response.headers().allValues("Vary")).anySatisfy((vary) -> assertThat(vary).contains("Origin"));
		}

		@ParameterizedTest
		@ValueSource(strings = { "https://evil.example.com", "http://clock.example.org", "https://example.net",
				"https://clock.example.org.evil.example.com", "null" })
		void refusesAnyOtherOriginWithAProblem(String origin) {
			assertRefusedWithAProblem(get("/api/timezone/UTC", origin));
			assertRefusedWithAProblem(preflight("/api/ip", origin, "GET", null));
			assertRefusedWithAProblem(preflight("/threads/time", origin, "POST", "content-type"));
		}

		@Test
		void answersAnAllowedOriginsPostPreflightWithTheConfiguredMaxAge() {
			HttpResponse<String> response = preflight("/virtual/time", "https://clock.example.org", "POST",
					"content-type");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(header(response, "Access-Control-Allow-Origin")).hasValue("https://clock.example.org");
			assertThat(header(response, "Access-Control-Max-Age")).hasValue("600");
		}

		@Test
		void preflightsAreNotCountedAndARateLimitRefusalIsReadable() {
			Map<String, String> preflight = Map.of("Origin", "https://clock.example.org",
					"Access-Control-Request-Method", "GET", "X-Forwarded-For", "203.0.113.50");
			for (int i = 0; i < 3; i++) {
				assertThat(send("OPTIONS", "/api/ip", preflight, null).statusCode()).isEqualTo(200);
			}
			Map<String, String> get = Map.of("Origin", "https://clock.example.org", "X-Forwarded-For", "203.0.113.50");
			assertThat(send("GET", "/api/ip", get, null).statusCode()).isEqualTo(200);
			HttpResponse<String> refused = send("GET", "/api/ip", get, null);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(header(refused, "Retry-After")).isPresent();
			assertThat(header(refused, "Access-Control-Allow-Origin")).hasValue("https://clock.example.org");
			assertThat(header(refused, "Access-Control-Expose-Headers"))
				.hasValueSatisfying((exposed) -> assertThat(exposed).contains("Retry-After"));
		}

	}

	/** The rate limits' time, never moving: a bucket once empty stays empty. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FrozenLimits {

		@Bean
		TimeMeter frozenRateLimitTime() {
			return new TimeMeter() {

				@Override
				public long currentTimeNanos() {
					return 1_000_000_000L;
				}

				@Override
				public boolean isWallClockBased() {
					return false;
				}

			};
		}

	}

}
