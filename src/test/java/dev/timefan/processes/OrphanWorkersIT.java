package dev.timefan.processes;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.timefan.processes.PackagedJarIT.RunningService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service killed with SIGKILL runs no shutdown hook, so nothing of it retires its
 * workers: they must notice on their own (stdin EOF, the parent watch) and exit. Linux
 * only: {@link Process#destroyForcibly()} is SIGKILL there, and a worker's state is read
 * from {@code /proc}.
 */
@EnabledOnOs(OS.LINUX)
class OrphanWorkersIT {

	/**
	 * How long orphaned workers may outlive their service: they poll their parent every
	 * 200 ms (measured: under 0.5 s), with room for a busy machine.
	 */
	private static final Duration ORPHAN_BOUND = Duration.ofSeconds(10);

	/** A zone whose lookups never answer in these workers. */
	private static final String HANG_ZONE = "Etc/GMT+5";

	private static final JsonMapper json = JsonMapper.builder().build();

	private RunningService service;

	private List<ProcessHandle> workers = List.of();

	@AfterEach
	void killEverythingStarted() {
		if (this.service != null) {
			this.service.kill();
		}
		this.workers.forEach(ProcessHandle::destroyForcibly);
	}

	@Test
	void workersOfAServiceKilledWithSigkillExitOnTheirOwn() throws Exception {
		this.service = RunningService.start(List.of("-jar", PackagedJarIT.packagedJar().toString()), null,
				Path.of("target", "it-logs", "orphans.log"));
		this.service.awaitUp();
		this.workers = this.service.workers();
		assertThat(this.workers).isNotEmpty().allMatch(RunningService::isRunning);
		PackagedJarIT.assertHealthListsExactly(this.service, this.workers);

		long killed = System.nanoTime();
		this.service.process().destroyForcibly();
		await().atMost(ORPHAN_BOUND)
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> assertThat(this.workers).as("workers still running after their service died")
				.noneMatch(RunningService::isRunning));
		long orphanedFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

		assertThat(this.service.process().onExit().get(5, TimeUnit.SECONDS).exitValue()).isEqualTo(128 + 9);
		System.out.printf("%d worker(s) of the SIGKILLed service exited within %d ms%n", this.workers.size(),
				orphanedFor);
	}

	/**
	 * A worker stuck on a request does not end at stdin EOF (it waits for its requests
	 * first): only its watch on the parent ends it.
	 */
	@Test
	void workerStuckOnARequestExitsOnItsServicesSigkill() throws Exception {
		this.service = RunningService.start(List.of("-jar", PackagedJarIT.packagedJar().toString(),
				"--timefan.batch.timeout=120s", "--timefan.processes.jvm-options=-Xmx48m,-XX:+UseSerialGC,-D"
						+ WorkerMain.HANG_ZONE_PROPERTY + "=" + HANG_ZONE),
				null, Path.of("target", "it-logs", "orphans-stuck.log"));
		this.service.awaitUp();
		this.workers = this.service.workers();
		assertThat(this.workers).isNotEmpty().allMatch(RunningService::isRunning);

		CompletableFuture<HttpResponse<String>> stuck = this.service.http()
			.sendAsync(HttpRequest.newBuilder(URI.create(this.service.url("/processes/time/" + HANG_ZONE))).build(),
					HttpResponse.BodyHandlers.ofString());
		long stuckPid = await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(this::busyWorkerPid, (pid) -> pid > 0);
		assertThat(this.workers).extracting(ProcessHandle::pid).contains(stuckPid);
		assertThat(stuck).isNotDone();

		long killed = System.nanoTime();
		this.service.process().destroyForcibly();
		await().atMost(ORPHAN_BOUND)
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> assertThat(this.workers).as("workers still running after their service died")
				.noneMatch(RunningService::isRunning));
		long orphanedFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

		assertThat(stuck).failsWithin(Duration.ofSeconds(10));
		System.out.printf("the worker stuck on a request exited within %d ms of its service's SIGKILL%n", orphanedFor);
	}

	/**
	 * The pid of a worker with an item in flight, from the workerPool health details; 0
	 * if none.
	 */
	private long busyWorkerPid() {
		HttpResponse<String> health = this.service.get("/actuator/health");
		JsonNode workers = json.readTree(health.body())
			.get("components")
			.get("workerPool")
			.get("details")
			.get("workers");
		return workers.valueStream()
			.filter((worker) -> worker.get("inflight").asInt() > 0)
			.mapToLong((worker) -> worker.get("pid").asLong())
			.findFirst()
			.orElse(0);
	}

}
