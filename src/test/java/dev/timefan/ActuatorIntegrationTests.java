package dev.timefan;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What operators and API users discover on a running timefan: the actuator endpoints
 * chosen deliberately, the build and tz release in {@code /actuator/info}, and the
 * OpenAPI description with its UI.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ActuatorIntegrationTests {

	@LocalServerPort
	private int port;

	private RestTestClient client;

	@Autowired
	private JsonMapper mapper;

	@BeforeEach
	void bindClient() {
		this.client = PatientClient.to(this.port);
	}

	@Test
	void exposesExactlyHealthInfoMetricsAndPrometheus() {
		JsonNode links = json("/actuator").get("_links");
		Set<String> endpoints = new TreeSet<>();
		links.propertyNames()
			.stream()
			.filter((name) -> !name.equals("self"))
			.forEach((name) -> endpoints.add(name.replaceFirst("-.*", "")));
		assertThat(endpoints).containsExactly("health", "info", "metrics", "prometheus");
	}

	@ParameterizedTest
	@ValueSource(strings = { "env", "beans", "heapdump", "threaddump", "configprops", "mappings", "loggers",
			"conditions", "scheduledtasks", "caches", "shutdown", "startup", "sbom", "httpexchanges" })
	void hidesEveryOtherEndpoint(String endpoint) {
		EntityExchangeResult<String> result = get("/actuator/" + endpoint);
		assertThat(result.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(result.getResponseBody()).doesNotContain("activeProfiles", "propertySources", "\"beans\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" })
	void reportsHealthUp(String path) {
		assertThat(json(path).get("status").stringValue()).isEqualTo("UP");
	}

	@Test
	void answersEveryMeterFamilyByName() {
		JsonNode names = json("/actuator/metrics").get("names");
		assertThat(names.valueStream().map(JsonNode::stringValue)).contains("http.server.requests", "jvm.threads.live",
				"executor.pool.max");
		JsonNode poolMax = json("/actuator/metrics/executor.pool.max?tag=name:timefan.threads");
		assertThat(poolMax.get("measurements").get(0).get("value").doubleValue()).isEqualTo(256.0);
	}

	@Test
	void namesTheBuildAndTheTzReleaseThatAnswers() {
		JsonNode info = json("/actuator/info");
		assertThat(info.get("build").get("artifact").stringValue()).isEqualTo("timefan");
		assertThat(info.get("build").get("version").stringValue()).matches("\\d+\\.\\d+\\.\\d+([.-].+)?");
		assertThat(info.get("tzdb").get("version").stringValue()).isEqualTo("2026f");
		assertThat(info.get("tzdb").get("library").stringValue()).isEqualTo("joda-time 2.15.1");
		assertThat(info.get("tzdb").get("zones").intValue()).isGreaterThan(400);
	}

	@Test
	void describesEveryEndpointFamilyInOpenApi31() {
		JsonNode docs = json("/v3/api-docs");
		assertThat(docs.get("openapi").stringValue()).startsWith("3.1.");
		assertThat(docs.get("paths").propertyNames()).contains("/threads/time/{area}/{location}", "/virtual/time",
				"/time/{zone}", "/compare/time", "/api/timezone", "/api/timezone/{area}/{location}");
		assertThat(docs.get("components").get("schemas").propertyNames()).contains("TimeObject", "BatchResult",
				"Problem");
		assertThat(docs.get("paths").propertyNames()).noneMatch((path) -> path.startsWith("/actuator"));
	}

	@Test
	void describesWhatEachFaultGivesAndWhereAnAnswerCameFrom() {
		JsonNode paths = json("/v3/api-docs").get("paths");
		JsonNode single = paths.get("/processes/time/{area}/{location}").get("get").get("responses");
		assertThat(single.propertyNames()).contains("200", "404", "414", "429", "431", "500", "502", "503", "504");
		assertThat(single.get("200").get("headers").propertyNames()).contains("Timefan-Source", "Server-Timing");
		assertThat(single.get("503").get("description").stringValue()).contains("Shed whole")
			.contains("timefan.<strategy>.max-batches")
			.contains("no worker process could be started");
		assertThat(single.get("503").get("headers").propertyNames()).containsExactly("Retry-After");
		assertThat(single.get("429").get("description").stringValue()).contains("timefan.rate-limit");
		assertThat(single.get("429").get("headers").propertyNames()).containsExactly("Retry-After");
		JsonNode batch = paths.get("/reactive/time").get("post").get("responses");
		assertThat(batch.propertyNames()).contains("200", "400", "414", "429", "431", "503")
			.doesNotContain("502", "504");
		assertThat(paths.get("/compare/time").get("get").get("responses").propertyNames()).contains("429", "503");
		assertThat(paths.get("/api/timezone/{area}/{location}").get("get").get("responses").propertyNames())
			.contains("429")
			.doesNotContain("503");
	}

	@Test
	void leavesTheContainersErrorPageOutOfOpenApi() {
		assertThat(json("/v3/api-docs").get("paths").propertyNames()).contains("/api/timezone")
			.doesNotContain("/error");
	}

	@Test
	void inflightGaugeReturnsToZeroAfterABatchWhoseUpstreamRefused() {
		EntityExchangeResult<String> fellBack = get("/threads/time?zones=Asia/Kolkata,Asia/Dhaka&source=upstream");
		assertThat(fellBack.getStatus()).as(fellBack.getResponseBody()).isEqualTo(HttpStatus.OK);
		JsonNode inflight = json("/actuator/metrics/timefan.inflight?tag=strategy:threads");
		assertThat(inflight.get("measurements").get(0).get("value").doubleValue()).isZero();
	}

	@Test
	void rendersSwaggerUi() {
		EntityExchangeResult<String> result = get("/swagger-ui/index.html");
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(result.getResponseHeaders().getContentType()).isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.TEXT_HTML)).as(type.toString()).isTrue());
		assertThat(result.getResponseBody()).contains("<html", "swagger-ui");
	}

	private EntityExchangeResult<String> get(String path) {
		return this.client.get().uri(path).exchange().returnResult(String.class);
	}

	private JsonNode json(String path) {
		EntityExchangeResult<String> result = get(path);
		assertThat(result.getStatus()).as(path).isEqualTo(HttpStatus.OK);
		return this.mapper.readTree(result.getResponseBody());
	}

}
