package dev.timefan;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.timefan.upstream.ScriptedUpstream;
import dev.timefan.upstream.ScriptedUpstream.Step;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the deployment files name exists in a running service: every metric the Grafana
 * dashboard queries is in a real scrape once every strategy has served local and upstream
 * batches (with retries, fallbacks and unknown zones), and every path that Prometheus,
 * the image's HEALTHCHECK and the Kubernetes probes ask for answers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "timefan.processes.workers=1")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentIntegrationTests {

	static final ScriptedUpstream UPSTREAM = new ScriptedUpstream();

	/** A Prometheus sample line: its metric name, before the labels or the value. */
	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

	@LocalServerPort
	int port;

	RestTestClient client;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry properties) {
		properties.add("timefan.upstream.base-url", UPSTREAM::baseUrl);
	}

	@AfterAll
	void stopUpstream() {
		UPSTREAM.close();
	}

	/**
	 * Traffic of every kind through every strategy: a local batch with an unknown zone,
	 * and an upstream batch whose first zone is retried and whose second falls back.
	 */
	@BeforeAll
	void serveEveryKindOfBatchThroughEveryStrategy() {
		this.client = PatientClient.to(this.port);
		for (String strategy : List.of("threads", "virtual", "processes", "reactive")) {
			UPSTREAM.script("Asia/Dhaka", Step.status(503), Step.answer("Asia/Dhaka"));
			UPSTREAM.script("Africa/Lagos", Step.dropConnection());
			post(strategy, "local", "[\"UTC\",\"Mars/Olympus\"]");
			post(strategy, "upstream", "[\"Asia/Dhaka\",\"Africa/Lagos\"]");
		}
	}

	private void post(String strategy, String source, String zones) {
		this.client.post()
			.uri("/" + strategy + "/time?source=" + source)
			.contentType(MediaType.APPLICATION_JSON)
			.body(zones)
			.exchange()
			.expectStatus()
			.isOk();
	}

	static List<String> dashboardQueries() {
		return DeploymentFiles.dashboardQueries();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dashboardQueries")
	void everyMetricTheDashboardQueriesIsInARealScrape(String query) {
		Set<String> scraped = new HashSet<>();
		Matcher sample = SAMPLE.matcher(get("/actuator/prometheus"));
		while (sample.find()) {
			scraped.add(sample.group(1));
		}
		assertThat(DeploymentFiles.metricNames(query)).isNotEmpty()
			.allSatisfy((metric) -> assertThat(scraped).as("metric %s of the dashboard query %s", metric, query)
				.contains(metric));
	}

	@Test
	void everyPathTheFilesProbeOrScrapeAnswers() {
		Map<String, Object> job = DeploymentFiles
			.map(DeploymentFiles.list(DeploymentFiles.yaml(DeploymentFiles.PROMETHEUS).get("scrape_configs"))
				.getFirst());
		Container container = ((Deployment) DeploymentFiles.kubernetes("deployment.yaml")).getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.getFirst();
		Matcher healthcheck = Pattern.compile("GET (\\S+) HTTP")
			.matcher(DeploymentFiles.runtimeInstruction("HEALTHCHECK"));
		assertThat(healthcheck.find()).isTrue();
		List<String> paths = List.of(job.get("metrics_path").toString(), healthcheck.group(1),
				container.getStartupProbe().getHttpGet().getPath(), container.getLivenessProbe().getHttpGet().getPath(),
				container.getReadinessProbe().getHttpGet().getPath());
		assertThat(paths).allSatisfy((path) -> this.client.get().uri(path).exchange().expectStatus().isOk());
	}

	private String get(String path) {
		return this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();
	}

}
