package dev.timefan.processes;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service, started as a child process the way it is deployed: the executable
 * fat jar ({@code java -jar}, workers from its classes extracted into the cache
 * directory, or through Spring Boot's {@code PropertiesLauncher} when there is none)
 * answers through {@code /processes}, and a graceful stop leaves no worker behind. The
 * extracted layout the image runs is {@link DockerfileStepsIT}'s.
 */
class PackagedJarIT {

	static final Duration STARTUP = Duration.ofSeconds(90);

	static final Duration SHUTDOWN = Duration.ofSeconds(45);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<RunningService> started = new ArrayList<>();

	@AfterEach
	void stopEverythingStarted() {
		this.started.forEach(RunningService::kill);
	}

	@Test
	void fatJarAnswersThroughWorkerProcessesAndStopsThemOnSigterm() throws Exception {
		Path jar = packagedJar();
		Path cache = Path.of("target", "it-worker-cache").toAbsolutePath();
		// An option for the service's JVM, as an agent would be given in a container.
		String serviceOnly = "-Dtimefan.test.service-only=true";
		RunningService service = start(List.of("-jar", jar.toString(), "--timefan.processes.cache-dir=" + cache),
				Map.of("JAVA_TOOL_OPTIONS", serviceOnly), "fat-jar");
		service.awaitUp();
		assertThat(environment(service.process().toHandle())).contains("JAVA_TOOL_OPTIONS=" + serviceOnly);

		assertAnswersThroughProcesses(service);
		List<ProcessHandle> workers = service.workers();
		assertThat(workers).isNotEmpty().allSatisfy((worker) -> {
			String commandLine = RunningService.commandLine(worker);
			assertThat(commandLine).as("the jar's classes, extracted")
				.doesNotContain(WorkerLauncher.PROPERTIES_LAUNCHER);
			String classPath = commandLine.substring(commandLine.indexOf(" -cp ") + 5, commandLine.lastIndexOf(' '));
			assertThat(classPath.split(File.pathSeparator)).hasSizeGreaterThan(1)
				.allSatisfy((entry) -> assertThat(entry).startsWith(cache.toString()).endsWith(".jar"));
		});
		assertThat(workers)
			.allSatisfy((worker) -> assertThat(environment(worker)).as("the service's JVM options are not the workers'")
				.noneMatch((variable) -> variable.startsWith("JAVA_TOOL_OPTIONS="))
				.contains("MALLOC_ARENA_MAX=2"));
		assertHealthListsExactly(service, workers);

		service.process().destroy();
		assertThat(service.process().onExit().get(SHUTDOWN.toSeconds(), TimeUnit.SECONDS).isAlive()).isFalse();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(workers).as("workers left running after a graceful stop")
				.noneMatch(RunningService::isRunning));
		assertThat(service.logText()).contains("Commencing graceful shutdown");
	}

	/**
	 * With no cache directory to extract into, workers read the fat jar through Spring
	 * Boot's loader.
	 */
	@Test
	void fatJarWithoutAUsableCacheDirectoryStartsWorkersThroughPropertiesLauncher() throws Exception {
		Path jar = packagedJar();
		RunningService service = start(List.of("-jar", jar.toString(), "--timefan.processes.cache-dir=/proc/timefan"),
				Map.of(), "fat-jar-no-cache");
		service.awaitUp();

		assertAnswersThroughProcesses(service);
		List<ProcessHandle> workers = service.workers();
		assertThat(workers).isNotEmpty()
			.allSatisfy((worker) -> assertThat(RunningService.commandLine(worker))
				.contains("-Dloader.main=" + WorkerMain.class.getName())
				.contains(WorkerLauncher.PROPERTIES_LAUNCHER)
				.contains("-cp " + jar)
				.doesNotContain("-XX:AOTCache"));
		assertThat(service.logText()).contains("Worker processes start without a cache: /proc/timefan is not usable");
		assertHealthListsExactly(service, workers);
	}

	/** A process's environment, from {@code /proc}. */
	static List<String> environment(ProcessHandle process) throws IOException {
		return List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ")).split("\0"));
	}

	private void assertAnswersThroughProcesses(RunningService service) {
		HttpResponse<String> single = service.get("/processes/time/Asia/Kolkata");
		assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
		JsonNode time = json.readTree(single.body());
		assertThat(time.get("timezone").stringValue()).isEqualTo("Asia/Kolkata");
		assertThat(time.get("utc_offset").stringValue()).isEqualTo("+05:30");

		List<String> zones = fiftyZones(service);
		HttpResponse<String> batch = service.post("/processes/time", json.writeValueAsString(zones));
		assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
		JsonNode result = json.readTree(batch.body());
		assertThat(result.get("strategy").stringValue()).isEqualTo("processes");
		assertThat(result.get("succeeded").asInt()).isEqualTo(zones.size());
		assertThat(result.get("results").valueStream().map((item) -> item.get("zone").stringValue()))
			.containsExactlyElementsOf(zones);
		assertThat(result.get("results").valueStream()).allSatisfy((item) -> {
			assertThat(item.get("status").asInt()).isEqualTo(200);
			assertThat(item.get("time").get("timezone").stringValue()).isEqualTo(item.get("zone").stringValue());
		});
	}

	/** 50 names spread over the whole catalog, so every area is in the batch. */
	private static List<String> fiftyZones(RunningService service) {
		HttpResponse<String> listing = service.get("/api/timezone.txt");
		assertThat(listing.statusCode()).isEqualTo(200);
		List<String> catalog = listing.body().lines().filter((line) -> !line.isBlank()).toList();
		assertThat(catalog).hasSizeGreaterThan(50);
		List<String> zones = new ArrayList<>(50);
		for (int i = 0; i < 50; i++) {
			zones.add(catalog.get(i * catalog.size() / 50));
		}
		assertThat(zones).doesNotHaveDuplicates();
		return zones;
	}

	/**
	 * The {@code workerPool} health component is UP and its workers are exactly the
	 * service's worker processes.
	 */
	static void assertHealthListsExactly(RunningService service, List<ProcessHandle> workers) {
		HttpResponse<String> health = service.get("/actuator/health");
		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		JsonNode pool = json.readTree(health.body()).get("components").get("workerPool");
		assertThat(pool).as(health.body()).isNotNull();
		assertThat(pool.get("status").stringValue()).isEqualTo("UP");
		assertThat(pool.get("details").get("alive").asInt()).isGreaterThanOrEqualTo(1).isEqualTo(workers.size());
		Set<Long> listed = pool.get("details")
			.get("workers")
			.valueStream()
			.map((worker) -> worker.get("pid").asLong())
			.collect(Collectors.toSet());
		assertThat(listed).containsExactlyInAnyOrderElementsOf(workers.stream().map(ProcessHandle::pid).toList());
	}

	RunningService start(List<String> arguments, Map<String, String> environment, String name) throws IOException {
		RunningService service = RunningService.start(arguments, null, Path.of("target", "it-logs", name + ".log"),
				environment);
		this.started.add(service);
		return service;
	}

	/**
	 * The executable jar {@code package} built: {@code target/timefan-<version>.jar}, not
	 * the {@code .original} one.
	 */
	static Path packagedJar() throws IOException {
		Path target = Path.of("target");
		assertThat(target).as("run by failsafe from the project's directory").isDirectory();
		try (Stream<Path> files = Files.list(target)) {
			List<Path> jars = files.filter((path) -> path.getFileName().toString().matches("timefan-.+\\.jar"))
				.toList();
			assertThat(jars).as("the packaged jar in %s (run ./mvnw verify, not test)", target.toAbsolutePath())
				.singleElement();
			Path jar = jars.getFirst().toAbsolutePath();
			assertThat(WorkerLauncher.isFatJar(jar.toString())).as("%s is Spring Boot's executable jar", jar).isTrue();
			return jar;
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The service as a child process of the test, on a free loopback port, its output in
	 * a log file.
	 */
	record RunningService(Process process, int port, Path log, HttpClient http) {

		static RunningService start(List<String> arguments, @Nullable Path directory, Path log) throws IOException {
			return start(arguments, directory, log, Map.of());
		}

		static RunningService start(List<String> arguments, @Nullable Path directory, Path log,
				Map<String, String> environment) throws IOException {
			int port = freePort();
			List<String> command = new ArrayList<>();
			command.add(java());
			command.addAll(arguments);
			command.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
					"--management.endpoint.health.show-details=always"));
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			if (directory != null) {
				builder.directory(directory.toFile());
			}
			builder.environment().putAll(environment);
			HttpClient http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
			return new RunningService(builder.start(), port, log.toAbsolutePath(), http);
		}

		/** The java this test runs on. */
		static String java() {
			return ProcessHandle.current()
				.info()
				.command()
				.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		}

		/**
		 * Waits until {@code /actuator/health} is UP; fails at once if the service exits.
		 */
		void awaitUp() {
			await().atMost(STARTUP)
				.pollInterval(Duration.ofMillis(500))
				.ignoreExceptions()
				.failFast("the service exited; see " + this.log, () -> !this.process.isAlive())
				.untilAsserted(() -> {
					HttpResponse<String> health = get("/actuator/health");
					assertThat(health.statusCode()).isEqualTo(200);
					assertThat(json.readTree(health.body()).get("status").stringValue()).isEqualTo("UP");
				});
		}

		/** The service's worker JVMs: its descendants running {@link WorkerMain}. */
		List<ProcessHandle> workers() {
			return this.process.descendants().filter(RunningService::isWorker).toList();
		}

		/**
		 * Whether a process is a worker: a {@link WorkerMain} JVM, not one training an
		 * AOT cache.
		 */
		static boolean isWorker(ProcessHandle process) {
			String commandLine = commandLine(process);
			return !commandLine.contains("-XX:AOTCacheOutput=")
					&& (commandLine.endsWith(" " + WorkerMain.class.getName())
							|| (commandLine.contains(WorkerLauncher.PROPERTIES_LAUNCHER)
									&& commandLine.contains("-Dloader.main=" + WorkerMain.class.getName())));
		}

		/**
		 * A process's command line: from {@code /proc} where there is one, since
		 * {@link ProcessHandle.Info#commandLine()} gives nothing for a long one (a
		 * worker's class path of extracted jars).
		 */
		static String commandLine(ProcessHandle process) {
			try {
				return String.join(" ",
						Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"));
			}
			catch (IOException ex) {
				return process.info().commandLine().orElse("");
			}
		}

		/**
		 * Whether the process still runs. An orphan that exited stays a zombie until its
		 * new parent reaps it, and {@link ProcessHandle#isAlive()} counts zombies as
		 * alive; on a machine whose init does not reap them, that would never end.
		 */
		static boolean isRunning(ProcessHandle process) {
			if (!process.isAlive()) {
				return false;
			}
			try {
				String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
				char state = stat.charAt(stat.lastIndexOf(')') + 2);
				return state != 'Z' && state != 'X';
			}
			catch (IOException ex) {
				return process.isAlive();
			}
		}

		HttpResponse<String> get(String path) {
			return send(HttpRequest.newBuilder(uri(path)).GET());
		}

		HttpResponse<String> post(String path, String body) {
			return send(HttpRequest.newBuilder(uri(path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body)));
		}

		String url(String path) {
			return "http://127.0.0.1:" + this.port + path;
		}

		private URI uri(String path) {
			return URI.create(url(path));
		}

		private HttpResponse<String> send(HttpRequest.Builder request) {
			try {
				return this.http.send(request.timeout(Duration.ofSeconds(20)).build(),
						HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		String logText() throws IOException {
			return Files.readString(this.log);
		}

		/**
		 * Stops the service and every worker it still has: SIGTERM, a bounded wait, then
		 * SIGKILL.
		 */
		void kill() {
			List<ProcessHandle> descendants = this.process.descendants().toList();
			try {
				this.process.destroy();
				this.process.onExit().get(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// Forced below.
			}
			finally {
				this.process.destroyForcibly();
				descendants.forEach(ProcessHandle::destroyForcibly);
				this.http.close();
			}
		}

	}

}
