package dev.timefan.container;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import dev.timefan.DeploymentFiles;
import dev.timefan.InstalledTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The image built from ./Dockerfile, run by a real Docker engine: every strategy answers,
 * the service and its workers run as the image's non-root user from the extracted layout
 * with their AOT caches, the heap follows the container's memory limit, Docker's own
 * HEALTHCHECK turns healthy, Prometheus' parser reads the scrape, and SIGTERM finishes an
 * in-flight batch before the JVM exits. {@code -Pcontainer -Dtimefan.image=...}; see
 * {@code .ci/run}.
 */
@Tag("container")
class ContainerImageIT {

	static final DockerImageName IMAGE = DockerImageName.parse(System.getProperty("timefan.image", "timefan:local"));

	static final long MEMORY_LIMIT = 1L << 30;

	static final List<String> STRATEGIES = List.of("threads", "virtual", "processes", "reactive");

	static final JsonMapper json = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	static final Network network = Network.newNetwork();

	/**
	 * A slow upstream, the same image emulating one: 1 s, within the upstream call
	 * timeout (2 s).
	 */
	static final GenericContainer<?> upstream = timefan().withNetworkAliases("upstream")
		.withEnv("TIMEFAN_EMULATION_LATENCY", "1s")
		.withEnv("TIMEFAN_PROCESSES_WORKERS", "1");

	/** The service as a user runs it: two CPUs and 1 GiB, JSON logs. */
	static final GenericContainer<?> service = timefan().withEnv("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
		.withEnv("TIMEFAN_UPSTREAM_BASE_URL", "http://upstream:8080/api")
		.withCreateContainerCmdModifier(
				(create) -> create.getHostConfig().withMemory(MEMORY_LIMIT).withNanoCPUs(2_000_000_000L));

	static GenericContainer<?> timefan() {
		return new GenericContainer<>(IMAGE).withNetwork(network)
			.withExposedPorts(8080)
			.waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200))
			.withStartupTimeout(Duration.ofMinutes(3));
	}

	@BeforeAll
	static void start() {
		Stream.of(upstream, service).parallel().forEach(GenericContainer::start);
	}

	@AfterAll
	static void stop() {
		service.stop();
		upstream.stop();
		network.close();
	}

	static HttpResponse<String> get(GenericContainer<?> container, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(container, path)).timeout(Duration.ofSeconds(60)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static URI uri(GenericContainer<?> container, String path) {
		return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080) + path);
	}

	@ParameterizedTest
	@ValueSource(strings = { "threads", "virtual", "processes", "reactive" })
	void everyStrategyAnswersASingleLookupAndABatch(String strategy) throws Exception {
		HttpResponse<String> single = get(service, "/" + strategy + "/time/Asia/Kolkata");
		assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
		assertThat(json.readTree(single.body()).get("timezone").asString()).isEqualTo("Asia/Kolkata");

		HttpResponse<String> batch = get(service,
				"/" + strategy + "/time?zones=Europe/Paris,america/new_york,Nowhere/X");
		assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
		JsonNode result = json.readTree(batch.body());
		assertThat(result.get("strategy").asString()).isEqualTo(strategy);
		assertThat(result.get("results").valueStream().map((item) -> item.get("status").asInt())).containsExactly(200,
				200, 404);
	}

	@Test
	void compareRunsTheBatchThroughEveryStrategyFromTheUpstreamContainer() throws Exception {
		HttpResponse<String> compare = get(service, "/compare/time?zones=Asia/Tokyo,UTC&source=upstream");
		assertThat(compare.statusCode()).as(compare.body()).isEqualTo(200);
		JsonNode result = json.readTree(compare.body());
		assertThat(result.get("runs").valueStream().map((run) -> run.get("strategy").asString()))
			.containsExactlyElementsOf(STRATEGIES);
		assertThat(result.get("runs").valueStream()).allSatisfy((run) -> {
			assertThat(run.get("succeeded").asInt()).isEqualTo(2);
			assertThat(run.get("elapsed_ms").asDouble()).as("each waited for the upstream's 1 s")
				.isGreaterThanOrEqualTo(1000);
		});
		assertThat(result.get("agree").asBoolean()).isTrue();
	}

	/**
	 * Every JVM in the container, read from {@code /proc}: the service is pid 1, each
	 * worker its child; all run as the image's user from the extracted layout.
	 */
	@Test
	void serviceAndWorkersRunAsTheImagesNonRootUserFromTheExtractedLayoutWithTheirCaches() throws Exception {
		String uid = DeploymentFiles.runtimeInstruction("USER").split(":")[0];
		String workdir = DeploymentFiles.runtimeInstruction("WORKDIR");
		ExecResult listing = service.execInContainer("bash", "-c",
				"""
						for p in /proc/[0-9]*; do
						  [[ $(readlink "$p/exe") == */java ]] || continue
						  echo "${p#/proc/}|$(awk '/^Uid:/ {print $2}' "$p/status")|$(awk '/^PPid:/ {print $2}' "$p/status")|$(readlink "$p/cwd")|$(tr '\\0' ' ' <"$p/cmdline")"
						done""");
		assertThat(listing.getExitCode()).as(listing.getStderr()).isZero();
		List<String[]> jvms = listing.getStdout().lines().map((line) -> line.split("\\|", 5)).toList();

		assertThat(jvms).filteredOn((jvm) -> jvm[4].contains("-jar timefan.jar"))
			.singleElement()
			.satisfies((jvm) -> assertThat(jvm[0]).as("the service is the container's pid 1").isEqualTo("1"));
		List<String[]> workers = jvms.stream()
			.filter((jvm) -> jvm[4].contains("dev.timefan.processes.WorkerMain"))
			.toList();
		assertThat(workers).as(listing.getStdout()).hasSize(2);
		assertThat(jvms).as(listing.getStdout()).hasSize(3).allSatisfy((jvm) -> {
			assertThat(jvm[1]).as("uid of " + jvm[4]).isEqualTo(uid).isNotEqualTo("0");
			assertThat(jvm[3]).as("working directory of " + jvm[4]).isEqualTo(workdir);
		});
		assertThat(workers).allSatisfy((worker) -> {
			assertThat(worker[2]).as("parent").isEqualTo("1");
			assertThat(worker[4]).contains("-XX:AOTCache=" + workdir + "/worker.aot")
				.contains("-cp timefan.jar dev.timefan.processes.WorkerMain");
		});
		assertThat(service.getLogs()).doesNotContain("[aot]");
	}

	@Test
	void heapIsFortyPercentOfTheContainersMemoryLimit() throws Exception {
		JsonNode heap = json.readTree(get(service, "/actuator/metrics/jvm.memory.max?tag=area:heap").body());
		double max = heap.get("measurements").get(0).get("value").asDouble();
		assertThat(max).isCloseTo(MEMORY_LIMIT * 0.4, withinPercentage(5));
	}

	@Test
	void dockersOwnHealthcheckTurnsHealthy() {
		DockerClient docker = service.getDockerClient();
		await().atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(
					docker.inspectContainerCmd(service.getContainerId()).exec().getState().getHealth().getStatus())
				.isEqualTo("healthy"));
	}

	@Test
	void scrapeParsesWithPrometheusOwnParserAndCarriesEveryStrategy() throws Exception {
		for (String strategy : STRATEGIES) {
			assertThat(get(service, "/" + strategy + "/time/UTC").statusCode()).isEqualTo(200);
		}
		String scrape = get(service, "/actuator/prometheus").body();
		for (String strategy : STRATEGIES) {
			assertThat(scrape).contains("strategy=\"" + strategy + "\"");
		}
		assertThat(scrape).contains("timefan_workers_alive{application=\"timefan\"} 2.0");
		Path promtool = InstalledTools.find("promtool");
		assumeThat(promtool).as("promtool (Debian's prometheus package, which .ci/run installs)").isNotNull();
		InstalledTools.assertPromtoolParses(promtool, scrape);
	}

	/**
	 * SIGTERM, as {@code docker stop} and Kubernetes send it, while a batch waits on the
	 * slow upstream: the batch is answered from the upstream, then the workers retire,
	 * and the JVM exits by itself with the status of a SIGTERM'd JVM. Its own container,
	 * since it ends.
	 */
	@Test
	void sigtermFinishesTheInFlightBatchThenStopsTheWorkersAndExits() throws Exception {
		try (GenericContainer<?> stopping = timefan().withEnv("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
			.withEnv("TIMEFAN_SOURCE", "upstream")
			.withEnv("TIMEFAN_UPSTREAM_BASE_URL", "http://upstream:8080/api")) {
			stopping.start();
			CompletableFuture<HttpResponse<String>> batch = http
				.sendAsync(HttpRequest.newBuilder(uri(stopping, "/processes/time/Asia/Tokyo,Seoul"))
					.timeout(Duration.ofSeconds(60))
					.build(), HttpResponse.BodyHandlers.ofString());
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inflight(stopping)).isEqualTo(2));
			DockerClient docker = stopping.getDockerClient();
			docker.killContainerCmd(stopping.getContainerId()).withSignal("SIGTERM").exec();

			HttpResponse<String> answer = batch.get(60, TimeUnit.SECONDS);
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			assertThat(json.readTree(answer.body()).get("results").valueStream())
				.allSatisfy((item) -> assertThat(item.get("source").asString()).isEqualTo("upstream"));
			int status = docker.waitContainerCmd(stopping.getContainerId())
				.start()
				.awaitStatusCode(60, TimeUnit.SECONDS);
			assertThat(status).as("the exit status of a JVM ended by SIGTERM").isEqualTo(128 + 15);
			List<JsonNode> logs = stopping.getLogs().lines().map(json::readTree).toList();
			assertThat(logs).extracting((event) -> event.get("message").asString())
				.contains("Graceful shutdown complete", "Stopped 2 worker processes")
				.noneMatch((message) -> message.contains("destroying it"));
		}
	}

	private static double inflight(GenericContainer<?> container) throws Exception {
		HttpResponse<String> gauge = get(container, "/actuator/metrics/timefan.inflight?tag=strategy:processes");
		// 404 until the strategy's first batch registers the gauge.
		return (gauge.statusCode() == 200)
				? json.readTree(gauge.body()).get("measurements").get(0).get("value").asDouble() : 0;
	}

}
