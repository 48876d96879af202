package dev.timefan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.awaitility.core.ThrowingRunnable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
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
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * timefan's metrics as a real Prometheus server sees them: a child {@code prometheus}
 * scrapes {@code /actuator/prometheus} every second (OpenMetrics, Prometheus' own
 * parser), and the tests ask its query API what it stored. Skipped where no Prometheus is
 * installed ({@code apt-get install -y --no-install-recommends prometheus}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIntegrationTests {

	private static final String JOB = "timefan";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	/** Per strategy: single lookups, each a batch of one. */
	private static final int WARM_SINGLES = 10;

	/** Per strategy: the single lookups, a path batch, a query batch and a body batch. */
	private static final int SUCCESSFUL_BATCHES = WARM_SINGLES + 3;

	/** Per strategy: the zones of the successful batches (singles + 2 + 2 + 2). */
	private static final int SUCCESSFUL_LOOKUPS = WARM_SINGLES + 6;

	/**
	 * The zones of one batch through {@code threads} from the upstream (unreachable, so
	 * answered by fallback): each takes a task of the pool, where local zones take none.
	 */
	private static final int UPSTREAM_LOOKUPS = 2;

	@TempDir
	static Path work;

	@LocalServerPort
	private int port;

	private RestTestClient client;

	@Autowired
	private JsonMapper mapper;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

	private @Nullable Process prometheus;

	private @Nullable URI prometheusUri;

	private @Nullable Path prometheusLog;

	/**
	 * Without a Prometheus to start, every test is skipped by
	 * {@link #requirePrometheus()}, each with the reason.
	 */
	@BeforeAll
	void startPrometheusAfterTrafficThroughBothStrategies() throws IOException {
		Path binary = InstalledTools.find("prometheus");
		if (binary == null) {
			return;
		}
		this.client = PatientClient.to(this.port);
		for (String strategy : List.of("threads", "virtual")) {
			makeTraffic(strategy);
		}
		assertOk(this.client.get()
			.uri("/threads/time?zones={zones}&source=upstream", "Asia/Kolkata,Europe/Paris")
			.exchange());
		int prometheusPort = freePort();
		Path config = work.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				  scrape_timeout: 1s
				scrape_configs:
				  - job_name: %s
				    metrics_path: /actuator/prometheus
				    scrape_interval: 1s
				    scrape_timeout: 1s
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(JOB, this.port));
		this.prometheusLog = work.resolve("prometheus.log");
		this.prometheusUri = URI.create("http://127.0.0.1:" + prometheusPort);
		this.prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + Files.createDirectories(work.resolve("data")),
				"--web.listen-address=127.0.0.1:" + prometheusPort)
			.directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.prometheusLog.toFile())
			.start();
		await().atMost(WAIT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptionsMatching((ex) -> ex.getCause() instanceof ConnectException)
			.failFast("prometheus exited", this::prometheusExited)
			.untilAsserted(
					() -> assertThat(prometheusGet("/-/ready").statusCode()).as(this::prometheusLog).isEqualTo(200));
	}

	@BeforeEach
	void requirePrometheus() {
		assumeThat(this.prometheus)
			.as("no prometheus binary on PATH or at /usr/bin/prometheus "
					+ "(apt-get install -y --no-install-recommends prometheus)")
			.isNotNull();
	}

	@AfterAll
	void stopPrometheus() throws InterruptedException, ExecutionException {
		Process process = this.prometheus;
		if (process == null) {
			return;
		}
		process.destroy();
		try {
			process.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			process.destroyForcibly();
			try {
				process.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (TimeoutException stillRunning) {
				throw new IllegalStateException("prometheus (pid " + process.pid() + ") did not stop", stillRunning);
			}
		}
	}

	@Test
	void prometheusScrapesTimefanAsAHealthyTarget() {
		eventually(() -> {
			assertThat(values("up{job=\"" + JOB + "\"}")).containsExactly(1.0);
			JsonNode targets = this.mapper.readTree(prometheusGet("/api/v1/targets?state=active").body());
			assertThat(targets.get("data").get("activeTargets").valueStream())
				.filteredOn((target) -> JOB.equals(target.get("labels").get("job").stringValue()))
				.singleElement()
				.satisfies((target) -> {
					assertThat(target.get("health").stringValue()).isEqualTo("up");
					assertThat(target.get("lastError").stringValue()).isEmpty();
				});
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "virtual" })
	void exportsTheBatchTimerWithItsBoundedTags(String strategy) {
		eventually(() -> {
			assertThat(values("timefan_batch_seconds_count{application=\"timefan\",strategy=\"" + strategy
					+ "\",source=\"local\",outcome=\"success\"}"))
				.singleElement()
				.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(SUCCESSFUL_BATCHES));
			assertThat(values("timefan_batch_seconds_count{strategy=\"" + strategy + "\",outcome=\"partial\"}"))
				.singleElement()
				.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(1));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "virtual" })
	void exportsTheLookupTimerByStatus(String strategy) {
		eventually(() -> {
			assertThat(values("timefan_lookup_seconds_count{application=\"timefan\",strategy=\"" + strategy
					+ "\",source=\"local\",status=\"200\"}"))
				.singleElement()
				.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(SUCCESSFUL_LOOKUPS));
			assertThat(values("timefan_lookup_seconds_count{strategy=\"" + strategy + "\",status=\"404\"}"))
				.singleElement()
				.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(1));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "virtual" })
	void exportsTheBatchSizeSummaryAndTheInflightGauge(String strategy) {
		eventually(() -> {
			assertThat(values("timefan_batch_size_zones_count{application=\"timefan\",strategy=\"" + strategy + "\"}"))
				.singleElement()
				.satisfies((count) -> assertThat(count).isGreaterThanOrEqualTo(SUCCESSFUL_BATCHES + 1));
			assertThat(values("timefan_batch_size_zones_sum{strategy=\"" + strategy + "\"}")).singleElement()
				.satisfies((zones) -> assertThat(zones).isGreaterThanOrEqualTo(SUCCESSFUL_LOOKUPS + 2));
			assertThat(values("timefan_inflight_zones{application=\"timefan\",strategy=\"" + strategy + "\"}"))
				.containsExactly(0.0);
		});
	}

	@Test
	void exportsTheThreadPoolThroughMicrometersExecutorMetrics() {
		eventually(() -> {
			assertThat(values("executor_pool_max_threads{application=\"timefan\",name=\"timefan.threads\"}"))
				.containsExactly(256.0);
			// Admission bounds what waits in the queue (timefan.threads.max-items), not
			// the
			// queue itself.
			assertThat(values("executor_queue_remaining_tasks{name=\"timefan.threads\"}"))
				.containsExactly((double) Integer.MAX_VALUE);
			assertThat(values("executor_completed_tasks_total{name=\"timefan.threads\"}")).singleElement()
				.satisfies((tasks) -> assertThat(tasks).isGreaterThanOrEqualTo(UPSTREAM_LOOKUPS));
		});
	}

	@Test
	void countsShedRequestsPerStrategyAndLimitFromZero() {
		eventually(() -> assertThat(values("count(timefan_shed_requests_total == 0)")).containsExactly(12.0));
	}

	@Test
	void publishesPercentileHistogramsThatPrometheusCanAggregate() {
		eventually(() -> {
			assertThat(values("count(timefan_batch_seconds_bucket{strategy=\"threads\",outcome=\"success\"})"))
				.singleElement()
				.satisfies((buckets) -> assertThat(buckets).isGreaterThan(10));
			// Local batches only: a test class sharing this context adds upstream ones.
			assertThat(values(
					"timefan_batch_seconds_bucket{strategy=\"threads\",source=\"local\",outcome=\"success\",le=\"+Inf\"}"
							+ " - ignoring(le) timefan_batch_seconds_count{strategy=\"threads\",source=\"local\","
							+ "outcome=\"success\"}"))
				.containsExactly(0.0);
			assertThat(values(
					"histogram_quantile(0.99, sum by (le) (timefan_lookup_seconds_bucket{strategy=\"virtual\"}))"))
				.singleElement()
				.satisfies((seconds) -> assertThat(seconds).isPositive().isLessThan(10));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "virtual" })
	void resolvesLocalLookupsAndBatchesBelowAMillisecond(String strategy) {
		eventually(() -> {
			// 250 ns to 25 s and 10 µs to 25 s, three per decade (FanoutMetrics).
			NavigableMap<Double, Double> lookups = buckets(
					"timefan_lookup_seconds_bucket{strategy=\"" + strategy + "\",source=\"local\",status=\"200\"}");
			assertSpreadOverBuckets(lookups, 25, 2.5e-7);
			assertThat(lookups.headMap(1e-3).values()).as("%s", lookups)
				.anySatisfy((count) -> assertThat(count).isPositive());
			// A batch's time on a busy test machine varies too much to say where it
			// lands.
			assertSpreadOverBuckets(buckets(
					"timefan_batch_seconds_bucket{strategy=\"" + strategy + "\",source=\"local\",outcome=\"success\"}"),
					20, 1e-5);
		});
	}

	/**
	 * Asserts a histogram has its finite buckets from {@code first} on, and that not
	 * every sample fell in the first.
	 */
	private static void assertSpreadOverBuckets(NavigableMap<Double, Double> buckets, int finite, double first) {
		assertThat(buckets.headMap(Double.POSITIVE_INFINITY)).hasSize(finite);
		assertThat(buckets.firstKey()).isEqualTo(first);
		assertThat(buckets.firstEntry().getValue()).as("%s", buckets).isLessThan(buckets.lastEntry().getValue());
	}

	/** A histogram's cumulative bucket counts by upper bound, +Inf last. */
	private NavigableMap<Double, Double> buckets(String selector) {
		NavigableMap<Double, Double> buckets = new TreeMap<>();
		for (JsonNode sample : query(selector)) {
			String le = sample.get("metric").get("le").stringValue();
			buckets.put("+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
					Double.parseDouble(sample.get("value").get(1).stringValue()));
		}
		return buckets;
	}

	@Test
	void tagsServerRequestsWithUriTemplatesNeverWithZones() {
		eventually(() -> {
			assertThat(values("sum(http_server_requests_seconds_count{application=\"timefan\","
					+ "uri=\"/threads/time/{area}/{location}\",status=\"200\"})"))
				.singleElement()
				.satisfies((requests) -> assertThat(requests).isGreaterThanOrEqualTo(2));
			assertThat(values("sum(http_server_requests_seconds_count{uri=\"/virtual/time\",method=\"POST\"})"))
				.singleElement()
				.satisfies((requests) -> assertThat(requests).isGreaterThanOrEqualTo(1));
			assertThat(query("http_server_requests_seconds_count{uri=\"/threads/time/Asia/Kolkata\"}")).isEmpty();
			assertThat(query("{__name__=~\"http_server_requests.*\",uri=~\".*(Asia|Europe|Mars|Kolkata).*\"}"))
				.isEmpty();
			assertThat(query("{__name__=~\"timefan_.*\",zone!=\"\"}")).isEmpty();
		});
	}

	@Test
	void promtoolParsesTheScrapeWithoutFormatErrors() throws Exception {
		Path promtool = InstalledTools.find("promtool");
		assumeThat(promtool).as("no promtool on PATH or at /usr/bin/promtool").isNotNull();
		EntityExchangeResult<String> scrape = this.client.get()
			.uri("/actuator/prometheus")
			.accept(MediaType.parseMediaType("text/plain;version=0.0.4"))
			.exchange()
			.returnResult(String.class);
		assertThat(scrape.getStatus()).isEqualTo(HttpStatus.OK);
		String lint = InstalledTools.assertPromtoolParses(promtool, scrape.getResponseBody());
		System.out.println("promtool check metrics:\n" + lint);
	}

	private void makeTraffic(String strategy) {
		// Batches of one, so that some run once the code is warm.
		for (int i = 0; i < WARM_SINGLES; i++) {
			assertOk(this.client.get().uri("/{strategy}/time/Asia/Kolkata", strategy).exchange());
		}
		assertOk(this.client.get().uri("/{strategy}/time/Asia/Kolkata,Dhaka", strategy).exchange());
		assertOk(this.client.get()
			.uri("/{strategy}/time?zones={zones}", strategy, "Asia/Kolkata,Europe/Paris")
			.exchange());
		assertOk(this.client.post()
			.uri("/{strategy}/time", strategy)
			.contentType(MediaType.APPLICATION_JSON)
			.body("[\"Asia/Kolkata\",\"Europe/London\"]")
			.exchange());
		assertOk(this.client.get()
			.uri("/{strategy}/time?zones={zones}", strategy, "Asia/Kolkata,Mars/Olympus")
			.exchange());
	}

	private static void assertOk(RestTestClient.ResponseSpec response) {
		EntityExchangeResult<String> result = response.returnResult(String.class);
		assertThat(result.getStatus()).as(() -> result.getUrl() + " " + result.getResponseBody())
			.isEqualTo(HttpStatus.OK);
	}

	/** Awaits what Prometheus has stored, failing fast if it died. */
	private void eventually(ThrowingRunnable assertion) {
		await().atMost(WAIT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(500))
			.failFast("prometheus exited", this::prometheusExited)
			.untilAsserted(assertion);
	}

	private List<Double> values(String promql) {
		return query(promql).stream()
			.map((sample) -> Double.parseDouble(sample.get("value").get(1).stringValue()))
			.toList();
	}

	private List<JsonNode> query(String promql) {
		HttpResponse<String> response = prometheusGet(
				"/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
		assertThat(response.statusCode()).as(() -> promql + ": " + response.body()).isEqualTo(200);
		JsonNode answer = this.mapper.readTree(response.body());
		assertThat(answer.get("status").stringValue()).as(promql).isEqualTo("success");
		return answer.get("data").get("result").valueStream().toList();
	}

	private HttpResponse<String> prometheusGet(String pathAndQuery) {
		HttpRequest request = HttpRequest.newBuilder(Objects.requireNonNull(this.prometheusUri).resolve(pathAndQuery))
			.timeout(REQUEST_TIMEOUT)
			.GET()
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while asking prometheus " + pathAndQuery, ex);
		}
	}

	private boolean prometheusExited() {
		return this.prometheus != null && !this.prometheus.isAlive();
	}

	private String prometheusLog() {
		try {
			Path log = this.prometheusLog;
			return (log != null && Files.exists(log)) ? "prometheus log:\n" + Files.readString(log) : "no log";
		}
		catch (IOException ex) {
			return "prometheus log unreadable: " + ex;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
