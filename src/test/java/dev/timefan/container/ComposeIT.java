package dev.timefan.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.timefan.InstalledTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docker-compose.yml brought up as a user brings it up, with the compose command of the
 * machine ({@code docker compose}, or Debian's {@code docker-compose} 1.29): timefan gets
 * its answers from the upstream service, and the load generator drives every strategy
 * within a minute. Prometheus and Grafana are left out: their images come from a registry
 * these machines cannot reach.
 */
@Tag("container")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeIT {

	static final String IMAGE = System.getProperty("timefan.image", "timefan:local");

	static final Duration UP = Duration.ofMinutes(4);

	static final JsonMapper json = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	static final String PROJECT = "timefan-it-" + UUID.randomUUID().toString().substring(0, 8);

	static int port;

	@BeforeAll
	static void upTimefanAndItsUpstream() throws Exception {
		port = freePort();
		compose("up", "-d", "--no-build", "timefan");
		await().atMost(UP)
			.pollInterval(Duration.ofSeconds(1))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200));
	}

	@AfterAll
	static void down() throws Exception {
		compose("down", "--volumes", "--remove-orphans", "--timeout", "45");
	}

	@Test
	@Order(1)
	void upstreamAnswersReachTimefan() throws Exception {
		for (String strategy : List.of("threads", "virtual", "processes", "reactive")) {
			HttpResponse<String> batch = get("/" + strategy + "/time?zones=Asia/Kolkata,Europe/Paris");
			assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
			JsonNode result = json.readTree(batch.body());
			assertThat(result.get("source").asString()).isEqualTo("upstream");
			assertThat(result.get("results").valueStream()).as(batch.body()).allSatisfy((item) -> {
				assertThat(item.get("status").asInt()).isEqualTo(200);
				// The upstream fails 1 % of its answers, which are retried; an item comes
				// back from the local database only when every attempt failed.
				assertThat(item.get("source").asString()).isIn("upstream", "fallback");
			});
			assertThat(result.get("results").valueStream().map((item) -> item.get("source").asString()))
				.contains("upstream");
		}
		// The health probe asks the upstream every 10 s, without retries: one of its 1 %
		// failures shows as DEGRADED until the next probe.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(
					() -> assertThat(json.readTree(get("/actuator/health/upstream").body()).get("status").asString())
						.isEqualTo("UP"));
	}

	@Test
	@Order(2)
	void loadGeneratorDrivesEveryStrategyWithinAMinute() throws Exception {
		compose("up", "-d", "--no-build", "loadgen");
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			String scrape = get("/actuator/prometheus").body();
			for (String strategy : List.of("threads", "virtual", "processes", "reactive")) {
				assertThat(scrape).as(strategy)
					.containsPattern("timefan_batch_seconds_count\\{[^}]*source=\"upstream\",strategy=\"" + strategy
							+ "\"} [1-9]");
			}
		});
	}

	static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Runs the machine's compose command on docker-compose.yml with the image under test
	 * and a free host port.
	 */
	static void compose(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(composeCommand());
		command.addAll(List.of("--project-name", PROJECT, "--file", "docker-compose.yml"));
		command.addAll(List.of(arguments));
		Path log = Files.createTempFile("compose", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("TIMEFAN_IMAGE", IMAGE);
		builder.environment().put("TIMEFAN_HOST_PORT", String.valueOf(port));
		Process process = builder.start();
		try {
			assertThat(process.waitFor(UP.toSeconds(), TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
			assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + Files.readString(log)).isZero();
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(log);
		}
	}

	/**
	 * {@code docker compose} where the plugin is installed, else {@code docker-compose}.
	 */
	static List<String> composeCommand() throws Exception {
		Path standalone = InstalledTools.find("docker-compose");
		Path docker = InstalledTools.find("docker");
		if (docker != null) {
			Process version = new ProcessBuilder(docker.toString(), "compose", "version").redirectErrorStream(true)
				.start();
			String output = new String(version.getInputStream().readAllBytes()).toLowerCase(Locale.ROOT);
			if (version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0 && output.contains("version")) {
				return List.of(docker.toString(), "compose");
			}
		}
		assertThat(standalone).as("docker compose or docker-compose (Debian's package, which .ci/run installs)")
			.isNotNull();
		return List.of(standalone.toString());
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
