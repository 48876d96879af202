package dev.timefan.processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.timefan.DeploymentFiles;
import dev.timefan.DeploymentFiles.Instruction;
import dev.timefan.processes.PackagedJarIT.RunningService;
import dev.timefan.upstream.ScriptedUpstream;
import dev.timefan.upstream.ScriptedUpstream.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image without Docker: the Dockerfile's own steps run on the packaged jar (its
 * extraction into layers, one copy per layer into the working directory, the AOT training
 * runs, its ENV), then timefan starts exactly as its ENTRYPOINT says, with JSON logs
 * switched on as compose and Kubernetes switch them on. What only a Docker engine can
 * show (the user, the base images, HEALTHCHECK) is for the container tests
 * ({@code -Pcontainer}).
 */
class DockerfileStepsIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** The build stage's folder of layers, and the runtime stage's working directory. */
	private static final String LAYERS = "/layers";

	private static final List<String> STRATEGIES = List.of("threads", "virtual", "processes", "reactive");

	/** As docker-compose.yml and the Kubernetes Deployment set it. */
	private static final Map<String, String> JSON_LOGS = Map.of("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");

	@TempDir
	static Path temp;

	static Path app;

	static Map<String, String> environment;

	static final ScriptedUpstream UPSTREAM = new ScriptedUpstream();

	private RunningService service;

	/**
	 * Runs the Dockerfile's steps: once for the class, since the AOT training takes a
	 * while.
	 */
	@BeforeAll
	static void buildTheImagesFilesAsTheDockerfileDoes() throws Exception {
		Path jar = PackagedJarIT.packagedJar();
		List<Instruction> all = DeploymentFiles.dockerfile();
		List<Instruction> runtime = DeploymentFiles.runtimeStage();
		String workdir = DeploymentFiles.runtimeInstruction("WORKDIR");
		app = Files.createDirectories(temp.resolve("app"));
		Path layers = temp.resolve("layers");

		Instruction extract = all.stream()
			.filter((instruction) -> instruction.is("RUN") && instruction.argument().contains("-Djarmode=tools"))
			.findFirst()
			.orElseThrow();
		// The build stage runs it in a folder whose target/ holds the packaged jar.
		Path build = Files.createDirectories(temp.resolve("build").resolve("target"));
		Files.copy(jar, build.resolve(jar.getFileName()));
		run(extract.argument().replace(LAYERS, layers.toString()), build.getParent());

		List<Instruction> copies = runtime.stream()
			.filter((instruction) -> instruction.is("COPY") && instruction.argument().startsWith("--from="))
			.toList();
		assertThat(copies).extracting(Instruction::argument)
			.containsExactly("--from=build /layers/dependencies/ ./", "--from=build /layers/spring-boot-loader/ ./",
					"--from=build /layers/snapshot-dependencies/ ./", "--from=build /layers/application/ ./");
		for (Instruction copy : copies) {
			String source = copy.argument().split("\\s+")[1];
			copyTree(Path.of(source.replace(LAYERS, layers.toString())), app);
		}

		for (Instruction step : runtime) {
			if (step.is("RUN") && step.argument().startsWith("java ")) {
				run(step.argument(), app);
			}
		}
		environment = new HashMap<>(JSON_LOGS);
		for (Instruction step : runtime) {
			if (step.is("ENV")) {
				String[] pair = step.argument().split("=", 2);
				environment.put(pair[0], pair[1].replace(workdir, app.toString()));
			}
		}
		assertThat(app.resolve("timefan.aot")).isNotEmptyFile();
		assertThat(app.resolve("worker.aot")).isNotEmptyFile();
	}

	@AfterAll
	static void stopUpstream() {
		UPSTREAM.close();
	}

	@AfterEach
	void stopTheService() {
		if (this.service != null) {
			this.service.kill();
		}
	}

	@Test
	void entrypointServesEveryStrategyFromTheLayersWithTrainedCachesAndJsonLogs() throws Exception {
		this.service = startAsTheEntrypoint("entrypoint");
		this.service.awaitUp();

		HttpResponse<String> ready = this.service.get(healthcheckPath());
		assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
		for (String strategy : STRATEGIES) {
			HttpResponse<String> single = this.service.get("/" + strategy + "/time/Asia/Kolkata");
			assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
			assertThat(json.readTree(single.body()).get("utc_offset").asString()).isEqualTo("+05:30");
			JsonNode batch = json.readTree(this.service.get("/" + strategy + "/time/Europe/Paris,London").body());
			assertThat(batch.get("strategy").asString()).isEqualTo(strategy);
			assertThat(batch.get("succeeded").asInt()).isEqualTo(2);
		}
		JsonNode compare = json.readTree(this.service.get("/compare/time?zones=UTC,Asia/Dhaka,Nowhere/X").body());
		assertThat(compare.get("runs").valueStream().map((run) -> run.get("strategy").asString()))
			.containsExactlyElementsOf(STRATEGIES);
		assertThat(compare.get("agree").asBoolean()).isTrue();

		List<ProcessHandle> workers = this.service.workers();
		PackagedJarIT.assertHealthListsExactly(this.service, workers);
		List<String> trainedWith = words(trainingRun("dev.timefan.processes.WorkerMain").argument());
		assertThat(workers).allSatisfy((worker) -> {
			List<String> command = words(RunningService.commandLine(worker));
			assertThat(command).as("a worker from the extracted layout, with the image's cache")
				.contains("-XX:AOTCache=" + app.resolve("worker.aot"))
				.endsWith("-cp", "timefan.jar", WorkerMain.class.getName());
			assertThat(DeploymentFiles.jvmShapingOptions(command)).as("the worker's JVM is the one trained")
				.isEqualTo(DeploymentFiles.jvmShapingOptions(trainedWith));
		});

		String metrics = this.service.get("/actuator/prometheus").body();
		for (String strategy : STRATEGIES) {
			assertThat(metrics).contains("timefan_batch_seconds_count{application=\"timefan\",outcome=\"success\","
					+ "source=\"local\",strategy=\"" + strategy + "\"}");
		}
		assertThat(metrics).contains("timefan_workers_alive{application=\"timefan\"} " + workers.size() + ".0");

		List<JsonNode> logs = jsonLogs(this.service);
		assertThat(logs).extracting((event) -> event.get("message").asString())
			.anyMatch((message) -> message.startsWith("Started TimefanApplication"))
			.noneMatch((message) -> message.contains("[aot]"));
	}

	/**
	 * SIGTERM while a batch waits on a slow upstream: the batch is answered, then the
	 * workers are retired, and the JVM exits as a SIGTERM'd JVM that ran its shutdown.
	 */
	@Test
	void sigtermFinishesTheInFlightBatchThenEndsTheWorkers() throws Exception {
		this.service = startAsTheEntrypoint("sigterm", "--timefan.upstream.base-url=" + UPSTREAM.baseUrl());
		this.service.awaitUp();
		List<ProcessHandle> workers = this.service.workers();
		assertThat(workers).isNotEmpty();
		// Slow, yet within the upstream call timeout (2 s).
		String slow = UPSTREAM.script("Asia/Tokyo", Step.delayed(Duration.ofMillis(1500), "Asia/Tokyo"));

		CompletableFuture<HttpResponse<String>> batch = this.service.http()
			.sendAsync(HttpRequest.newBuilder(URI.create(this.service.url("/processes/time?source=upstream")))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("[\"Asia/Tokyo\",\"UTC\"]"))
				.build(), HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(30)).until(() -> UPSTREAM.requests(slow) == 1);
		assertThat(batch).isNotDone();
		this.service.process().destroy();

		HttpResponse<String> answer = batch.get(30, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(json.readTree(answer.body()).get("results").valueStream())
			.allSatisfy((item) -> assertThat(item.get("source").asString()).isEqualTo("upstream"));
		Process exited = this.service.process().onExit().get(PackagedJarIT.SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
		assertThat(exited.exitValue()).as("the exit status of a JVM ended by SIGTERM").isEqualTo(128 + 15);
		assertThat(workers).noneMatch(RunningService::isRunning);
		assertThat(jsonLogs(this.service)).extracting((event) -> event.get("message").asString())
			.contains("Graceful shutdown complete")
			.anyMatch((message) -> message.startsWith("Stopped " + workers.size() + " worker processes"))
			.noneMatch((message) -> message.contains("destroying it"));
	}

	private RunningService startAsTheEntrypoint(String name, String... arguments) throws IOException {
		List<String> entrypoint = DeploymentFiles.runtimeStage()
			.stream()
			.filter((instruction) -> instruction.is("ENTRYPOINT"))
			.findFirst()
			.orElseThrow()
			.execForm();
		assertThat(entrypoint.getFirst()).isEqualTo("java");
		List<String> command = new ArrayList<>(entrypoint.subList(1, entrypoint.size()));
		command.addAll(List.of(arguments));
		return RunningService.start(command, app, Path.of("target", "it-logs", "dockerfile-" + name + ".log"),
				environment);
	}

	/** The readiness path the image's HEALTHCHECK asks for. */
	private static String healthcheckPath() {
		Matcher get = Pattern.compile("GET (\\S+) HTTP").matcher(DeploymentFiles.runtimeInstruction("HEALTHCHECK"));
		assertThat(get.find()).isTrue();
		return get.group(1);
	}

	private static Instruction trainingRun(String mainOrJar) {
		return DeploymentFiles.runtimeStage()
			.stream()
			.filter((instruction) -> instruction.is("RUN") && instruction.argument().contains("-XX:AOTCacheOutput=")
					&& instruction.argument().contains(mainOrJar))
			.findFirst()
			.orElseThrow();
	}

	/** Every line the service wrote, each a JSON log event (ECS). */
	private static List<JsonNode> jsonLogs(RunningService service) throws IOException {
		List<String> lines = service.logText().lines().toList();
		assertThat(lines).isNotEmpty();
		return lines.stream().map((line) -> {
			JsonNode event = json.readTree(line);
			assertThat(event.has("@timestamp") && event.has("message")).as(line).isTrue();
			return event;
		}).toList();
	}

	private static List<String> words(String commandLine) {
		return List.of(commandLine.strip().split("\\s+"));
	}

	/** Runs a Dockerfile RUN line with this test's JDK as {@code java}. */
	private static void run(String command, Path directory) throws Exception {
		Path log = Files.createTempFile(temp, "run", ".log");
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("PATH", Path.of(RunningService.java()).getParent() + ":" + System.getenv("PATH"));
		Process process = builder.start();
		try {
			assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(command).isTrue();
			assertThat(process.exitValue()).as(command + "\n" + Files.readString(log)).isZero();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : files.toList()) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
	}

}
