package dev.timefan.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.timefan.PatientClient;
import dev.timefan.upstream.ScriptedUpstream.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code upstream} health component on a running service, against a real HTTP
 * upstream ({@link ScriptedUpstream}): a health check reads the background probe's last
 * result and never calls the upstream; the probe runs only while the upstream source is
 * in use; a failing upstream is {@code DEGRADED} while the service stays {@code UP}; and
 * no detail names an address.
 */
class UpstreamHealthIntegrationTests {

	static final String PROBE_TARGET = ScriptedUpstream.target("Etc/UTC");

	/** Health checks per test: each would have called the upstream before. */
	static final int CHECKS = 20;

	/** Details shown whatever the service's default, so that tests can read them. */
	static final String SHOW_DETAILS = "management.endpoint.health.show-details=always";

	static final String SECRET = "UPSTREAMSECRET";

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** The upstream of {@link LocalSourceFirst}. */
	static final ScriptedUpstream USED_LATER = new ScriptedUpstream();

	/** The upstream of {@link UpstreamSourceHanging}: it never answers the probe. */
	static final ScriptedUpstream HANGING = new ScriptedUpstream();

	static {
		HANGING.script("Etc/UTC", Step.hold());
	}

	@AfterAll
	static void stopUpstreams() {
		USED_LATER.close();
		HANGING.close();
	}

	abstract static class Running {

		@LocalServerPort
		int port;

		RestTestClient client;

		@BeforeEach
		void bindClient() {
			this.client = PatientClient.to(this.port);
		}

		/** {@code /actuator/health}: 200 and UP, whatever the upstream does. */
		JsonNode rootHealth() {
			JsonNode health = get("/actuator/health");
			assertThat(health.get("status").asString()).isEqualTo("UP");
			return health;
		}

		/** The {@code upstream} component, which never names an address. */
		JsonNode upstreamHealth(ScriptedUpstream upstream) {
			JsonNode health = get("/actuator/health/upstream");
			assertThat(JSON.writeValueAsString(health)).doesNotContain(upstream.hostAndPort(), "127.0.0.1", "localhost",
					"http:", SECRET);
			return health;
		}

		JsonNode get(String path) {
			EntityExchangeResult<String> result = this.client.get().uri(path).exchange().returnResult(String.class);
			assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(200);
			return JSON.readTree(result.getResponseBody());
		}

		static void assertLastChecked(JsonNode details) {
			assertThat(Instant.parse(details.get("lastChecked").asString()))
				.isBetween(Instant.now().minus(Duration.ofHours(1)), Instant.now());
		}

	}

	/**
	 * The default source is local: the upstream is not probed until a lookup asks for it,
	 * then every 100 ms.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { UpstreamIntegrationTests.ONE_WORKER, SHOW_DETAILS,
					"timefan.upstream.health-interval=100ms" })
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	@ExtendWith(OutputCaptureExtension.class)
	class LocalSourceFirst extends Running {

		@DynamicPropertySource
		static void upstream(DynamicPropertyRegistry properties) {
			properties.add("timefan.upstream.base-url", USED_LATER::baseUrl);
		}

		@Test
		@Order(1)
		void healthChecksNeverCallAnUpstreamThatIsNotUsed() {
			for (int i = 0; i < CHECKS; i++) {
				JsonNode root = rootHealth();
				assertThat(root.get("components").get("upstream").get("status").asString()).isEqualTo("UNKNOWN");
			}
			JsonNode upstream = upstreamHealth(USED_LATER);
			assertThat(upstream.get("status").asString()).isEqualTo("UNKNOWN");
			assertThat(upstream.get("details").get("reason").asString())
				.isEqualTo("not probed: the upstream source has not been used");
			assertThat(USED_LATER.targets()).isEmpty();
		}

		@Test
		@Order(2)
		void firstUpstreamLookupStartsTheProbeAndHealthTurnsUp() {
			JsonNode batch = JSON.readTree(this.client.post()
				.uri("/threads/time?source=upstream")
				.contentType(MediaType.APPLICATION_JSON)
				.body("[\"Asia/Kolkata\"]")
				.exchange()
				.returnResult(String.class)
				.getResponseBody());
			assertThat(batch.get("results").get(0).get("source").asString()).isEqualTo("upstream");

			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(upstreamHealth(USED_LATER).get("status").asString()).isEqualTo("UP"));
			JsonNode details = upstreamHealth(USED_LATER).get("details");
			assertThat(details.propertyNames()).containsExactlyInAnyOrder("circuitBreaker", "lastChecked", "fallback");
			assertLastChecked(details);
			assertThat(USED_LATER.requests(PROBE_TARGET)).isPositive();
		}

		@Test
		@Order(3)
		void failingUpstreamIsDegradedWarnedOfOnceAndUpAgainWhenItAnswers(CapturedOutput output) {
			String failing = "Upstream " + USED_LATER.baseUrl() + " started failing";
			String answersAgain = "Upstream " + USED_LATER.baseUrl() + " answers again";
			USED_LATER.script("Etc/UTC", Step.json(503, "{\"error\":\"" + SECRET + "\"}"));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(
						() -> assertThat(upstreamHealth(USED_LATER).get("status").asString()).isEqualTo("DEGRADED"));
			JsonNode degraded = upstreamHealth(USED_LATER);
			assertThat(degraded.get("details").get("error").asString()).isEqualTo("upstream answered HTTP 503");
			assertThat(degraded.get("details").propertyNames()).containsExactlyInAnyOrder("circuitBreaker", "error",
					"lastChecked", "fallback");
			assertLastChecked(degraded.get("details"));
			assertThat(rootHealth().get("components").get("upstream").get("status").asString()).isEqualTo("DEGRADED");

			// Three more failed probes: still one warning, which gives operators the
			// detail.
			int failedProbes = USED_LATER.requests(PROBE_TARGET);
			await().atMost(Duration.ofSeconds(30)).until(() -> USED_LATER.requests(PROBE_TARGET) >= failedProbes + 3);
			assertThat(lines(output, failing)).singleElement()
				.satisfies((line) -> assertThat(line).contains("WARN", "HTTP 503", SECRET,
						"callers are told 'upstream answered HTTP 503'"));

			USED_LATER.script("Etc/UTC", Step.answer("Etc/UTC"));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(upstreamHealth(USED_LATER).get("status").asString()).isEqualTo("UP"));
			assertThat(lines(output, answersAgain)).singleElement()
				.satisfies((line) -> assertThat(line).contains("INFO"));
			assertThat(lines(output, failing)).hasSize(1);
		}

		private static List<String> lines(CapturedOutput output, String containing) {
			return output.getAll().lines().filter((line) -> line.contains(containing)).toList();
		}

	}

	/**
	 * The default source is upstream, whose probe answer never comes: the probe starts
	 * with the service, gives up after the call timeout, and is not repeated within the
	 * hour.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { UpstreamIntegrationTests.ONE_WORKER,
			SHOW_DETAILS, "timefan.source=upstream", "timefan.upstream.health-interval=1h" })
	class UpstreamSourceHanging extends Running {

		@DynamicPropertySource
		static void upstream(DynamicPropertyRegistry properties) {
			properties.add("timefan.upstream.base-url", HANGING::baseUrl);
		}

		@Test
		void healthChecksReadTheLastProbeWithoutCallingTheUpstream() {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(
						() -> assertThat(upstreamHealth(HANGING).get("status").asString()).isEqualTo("DEGRADED"));
			JsonNode details = upstreamHealth(HANGING).get("details");
			assertThat(details.get("error").asString()).isEqualTo("upstream gave no answer within 2000 ms");
			assertLastChecked(details);
			assertThat(HANGING.targets()).containsExactly(PROBE_TARGET);

			for (int i = 0; i < CHECKS; i++) {
				assertThat(rootHealth().get("components").get("upstream").get("status").asString())
					.isEqualTo("DEGRADED");
				assertThat(upstreamHealth(HANGING).get("status").asString()).isEqualTo("DEGRADED");
			}
			assertThat(HANGING.targets()).containsExactly(PROBE_TARGET);
		}

	}

}
