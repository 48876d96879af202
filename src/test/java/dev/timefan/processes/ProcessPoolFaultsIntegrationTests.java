package dev.timefan.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.timefan.fanout.BatchResult;
import dev.timefan.fanout.FanoutService;
import dev.timefan.fanout.Source;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The pool under faults, with real child JVMs: a worker killed with SIGKILL mid-batch,
 * every worker killed twice under streaming batches, workers that cannot start, a lookup
 * that throws, a worker that hangs, recycling after a quota, and a worker JVM that
 * complains at start.
 */
class ProcessPoolFaultsIntegrationTests {

	private static final String CLIENT = "127.0.0.1";

	static List<String> thousandZones(ZoneCatalog catalog) {
		List<String> names = catalog.names();
		List<String> zones = new ArrayList<>(1000);
		for (int i = 0; i < 1000; i++) {
			zones.add(names.get(i % names.size()));
		}
		return zones;
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	static void kill(long pid) {
		ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
	}

	static double restarts(MeterRegistry registry, String cause) {
		return registry.get("timefan.worker.restarts").tag("cause", cause).counter().count();
	}

	/** The beans every nested context's test drives. */
	abstract static class PoolBeans {

		@Autowired
		FanoutService service;

		@Autowired
		ProcessPoolEngine engine;

		@Autowired
		WorkerPool pool;

		@Autowired
		ZoneCatalog catalog;

		@Autowired
		MeterRegistry registry;

	}

	@Nested
	// Room for all 20 batches at once: this is about a dying worker, not admission.
	@SpringBootTest(properties = { "timefan.processes.workers=2", "timefan.processes.restart-backoff=50ms",
			"timefan.processes.max-items=20000" })
	class KilledWorker extends PoolBeans {

		@Test
		void sigkilledWorkerMidBatchLosesNoItemAndIsReplaced() throws Exception {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 2);
			double crashesBefore = restarts(this.registry, "crash");
			List<String> zones = thousandZones(this.catalog);
			List<CompletableFuture<BatchResult>> batches = new ArrayList<>();
			try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int i = 0; i < 20; i++) {
					batches.add(CompletableFuture
						.supplyAsync(() -> this.service.batch(this.engine, zones, null, CLIENT), callers));
					if (i == 5) {
						WorkerProcess victim = this.pool.workers().getFirst();
						ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
					}
				}
				for (CompletableFuture<BatchResult> batch : batches) {
					BatchResult result = batch.get();
					assertThat(result.succeeded()).isEqualTo(1000);
					assertThat(result.results()).allSatisfy((item) -> assertThat(item.status()).isEqualTo(200));
				}
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.pool.alive()).isEqualTo(2));
			assertThat(restarts(this.registry, "crash")).isEqualTo(crashesBefore + 1);
		}

	}

	/**
	 * The pool never breaks: every worker SIGKILLed, then every worker again (the
	 * replacements, killed before their hello) as soon as they appear, while 1,000-zone
	 * batches stream in. Items wait for the next worker instead of failing.
	 */
	@Nested
	@SpringBootTest(properties = "timefan.processes.workers=2")
	class KilledTwice extends PoolBeans {

		@Test
		void everyWorkerKilledTwiceUnderStreamingBatchesFailsNoItemAndEachKillIsCountedOnce() throws Exception {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 2);
			double crashesBefore = restarts(this.registry, "crash");
			List<String> zones = thousandZones(this.catalog);
			AtomicBoolean streaming = new AtomicBoolean(true);
			List<BatchResult> results = new CopyOnWriteArrayList<>();
			List<Double> latencies = new CopyOnWriteArrayList<>();
			Set<Long> killed = new HashSet<>();
			try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int caller = 0; caller < 4; caller++) {
					callers.execute(() -> {
						while (streaming.get()) {
							long start = System.nanoTime();
							results.add(this.service.batch(this.engine, zones, null, CLIENT));
							latencies.add((System.nanoTime() - start) / 1e6);
						}
					});
				}
				try {
					await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= 4);
					Set<Long> first = this.pool.pids();
					first.forEach(ProcessPoolFaultsIntegrationTests::kill);
					killed.addAll(first);
					// The second round as soon as replacements run: they have not said
					// hello yet.
					await().atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(5))
						.until(() -> !difference(this.pool.pids(), killed).isEmpty());
					Set<Long> second = difference(this.pool.pids(), killed);
					second.forEach(ProcessPoolFaultsIntegrationTests::kill);
					killed.addAll(second);
					int before = results.size();
					await().atMost(Duration.ofSeconds(60))
						.until(() -> this.pool.alive() == 2 && results.size() >= before + 8);
				}
				finally {
					streaming.set(false);
				}
			}
			assertThat(results).allSatisfy((result) -> {
				assertThat(result.failed())
					.as(() -> "failed items: " + result.results()
						.stream()
						.filter((item) -> item.status() != 200)
						.findFirst()
						.map(BatchResult.Item::error)
						.orElse(""))
					.isZero();
				assertThat(result.succeeded()).isEqualTo(1000);
			});
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(
						() -> assertThat(restarts(this.registry, "crash")).isEqualTo(crashesBefore + killed.size()));
			System.out.printf(
					"chaos: %d workers killed in two rounds; %d batches, %d items, 0 failed; "
							+ "worst batch %.0f ms, median %.0f ms%n",
					killed.size(), results.size(), results.size() * 1000,
					latencies.stream().mapToDouble(Double::doubleValue).max().orElse(0),
					latencies.stream().sorted().toList().get(latencies.size() / 2));
		}

		private static Set<Long> difference(Set<Long> all, Set<Long> without) {
			Set<Long> rest = new HashSet<>(all);
			rest.removeAll(without);
			return rest;
		}

	}

	/**
	 * Workers that cannot be started at all (the JVM refuses an option): the items are
	 * 503 with the reason, and the pool's health is DOWN.
	 */
	@Nested
	@SpringBootTest(properties = { "timefan.processes.workers=1", "timefan.processes.restart-backoff=50ms",
			"timefan.processes.max-restart-backoff=200ms",
			"timefan.processes.jvm-options=-Xmx48m,-XX:+NoSuchOptionAnywhere" })
	class Unspawnable extends PoolBeans {

		@Autowired
		WorkerPoolHealthIndicator health;

		@Test
		void batchIsServiceUnavailableWithTheReasonAndHealthIsDown() {
			assertThat(this.pool.alive()).isZero();
			assertThatExceptionOfType(ErrorResponseException.class)
				.isThrownBy(() -> this.service.batch(this.engine, List.of("UTC", "Asia/Kolkata"), null, CLIENT))
				.satisfies((ex) -> {
					assertThat(ex.getStatusCode().value()).isEqualTo(503);
					assertThat(ex.getBody().getDetail()).startsWith("no worker process could be started");
					assertThat(ex.getHeaders().getFirst("Retry-After")).isNotBlank();
				});
			Health health = this.health.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("error")).asString().startsWith("no worker process could be started: ");
			assertThat(restarts(this.registry, "crash")).isZero();
		}

	}

	/**
	 * The failure boundary holds in the workers: a lookup that throws is answered as a
	 * failed item with a correlation id, logged once with its stack trace, and the worker
	 * goes on.
	 */
	@Nested
	@SpringBootTest(properties = { "timefan.processes.workers=1",
			"timefan.processes.jvm-options=-Xmx48m,-XX:+UseSerialGC,-D" + WorkerMain.FAIL_ZONE_PROPERTY
					+ "=Etc/GMT+7" })
	@ExtendWith(OutputCaptureExtension.class)
	class ThrowingLookup extends PoolBeans {

		@Test
		void itsItemSaysLookupFailedWithACorrelationIdLoggedWithTheStackTrace(CapturedOutput output) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 1);
			long pid = this.pool.workers().getFirst().pid();
			BatchResult result = this.service.batch(this.engine, List.of("UTC", "Etc/GMT+7"), null, CLIENT);

			assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(200, 500);
			assertThat(result.results().get(1).error()).matches("lookup failed \\(correlation id [0-9a-f]{8}\\)");
			String id = result.results().get(1).error().replaceAll(".*id ([0-9a-f]+).*", "$1");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(output.getAll()).containsOnlyOnce("correlation id " + id)
					.contains("IllegalStateException: " + WorkerMain.FAIL_ZONE_PROPERTY));
			assertThat(this.service.batch(this.engine, List.of("UTC"), null, CLIENT).succeeded()).isOne();
			assertThat(this.pool.workers()).extracting(WorkerProcess::pid).containsExactly(pid);
		}

	}

	@Nested
	@SpringBootTest(properties = { "timefan.processes.workers=2", "timefan.batch.timeout=3s",
			"timefan.processes.jvm-options=-Xmx48m,-XX:+UseSerialGC,-D" + WorkerMain.HANG_ZONE_PROPERTY
					+ "=Etc/GMT+5" })
	class HungWorker extends PoolBeans {

		@Test
		void hungWorkersItemsComeBackGatewayTimeoutAndItIsReplaced() {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 2);
			List<Long> pidsBefore = this.pool.workers().stream().map(WorkerProcess::pid).toList();
			double timeoutsBefore = restarts(this.registry, "timeout");

			BatchResult result = this.service.batch(this.engine, List.of("UTC", "Asia/Kolkata", "Etc/GMT+5", "GB"),
					null, CLIENT);

			assertThat(result.results()).extracting(BatchResult.Item::status).contains(504);
			assertThat(result.results()).filteredOn((item) -> item.zone().equals("Etc/GMT+5"))
				.singleElement()
				.satisfies((item) -> assertThat(item.status()).isEqualTo(504));
			// It ended at its deadline, not when the hung worker would have answered
			// (never); the margin is room for a busy machine.
			assertThat(result.elapsedMs()).isBetween(2900.0, 3000.0 + 20_000);
			assertThat(restarts(this.registry, "timeout")).isEqualTo(timeoutsBefore + 1);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(this.pool.alive()).isEqualTo(2);
				assertThat(pidsBefore).filteredOn(ProcessPoolFaultsIntegrationTests::isAlive).hasSize(1);
			});
		}

	}

	@Nested
	@SpringBootTest(properties = { "timefan.processes.workers=2", "timefan.processes.max-requests-per-worker=5" })
	class Recycling extends PoolBeans {

		@Test
		void workersAreRecycledAfterTheirQuotaWithoutAFailedItem() {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 2);
			List<Long> pidsBefore = this.pool.workers().stream().map(WorkerProcess::pid).toList();
			for (int i = 0; i < 40; i++) {
				BatchResult result = this.service.batch(this.engine, List.of("UTC", "Asia/Kolkata", "GB"), null,
						CLIENT);
				assertThat(result.failed()).as("batch %d", i).isZero();
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(restarts(this.registry, "recycle")).isGreaterThanOrEqualTo(2);
				assertThat(this.pool.alive()).isEqualTo(2);
				assertThat(pidsBefore).noneMatch(ProcessPoolFaultsIntegrationTests::isAlive);
			});
			assertThat(restarts(this.registry, "crash")).isZero();
			assertThat(restarts(this.registry, "timeout")).isZero();
		}

		@Test
		void onceTheUpstreamIsUsedRecycledWorkersAreReplacedByOnesWithTheirUpstreamClientMade() {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 2);
			String warm = "-D" + WorkerMain.WARM_UPSTREAM_PROPERTY + "=true";
			assertThat(this.pool.workers()).as("the default source is local")
				.allSatisfy((worker) -> assertThat(arguments(worker.pid())).doesNotContain(warm));
			Set<Long> before = this.pool.pids();

			// The test upstream refuses: the item falls back, and the upstream was used.
			BatchResult upstream = this.service.batch(this.engine, List.of("UTC"), "upstream", CLIENT);
			assertThat(upstream.results().getFirst().source()).isEqualTo(Source.FALLBACK);
			for (int i = 0; i < 20; i++) {
				assertThat(this.service.batch(this.engine, List.of("UTC", "GB"), null, CLIENT).failed()).isZero();
			}

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(this.pool.alive()).isEqualTo(2);
				assertThat(this.pool.pids()).as("every worker was replaced").doesNotContainAnyElementsOf(before);
			});
			assertThat(this.pool.workers()).allSatisfy((worker) -> assertThat(arguments(worker.pid())).contains(warm));
		}

		/**
		 * A process's command line as Linux keeps it (the JDK's view of it is cut short).
		 */
		private static List<String> arguments(long pid) throws IOException {
			return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
		}

	}

	/**
	 * An AOT cache the worker JVM cannot map: the JVM says so (an error of its unified
	 * logging, which goes to stdout by default and would corrupt the protocol), and the
	 * worker starts without it.
	 */
	@Nested
	@SpringBootTest(
			properties = { "timefan.processes.workers=1", "timefan.processes.aot-cache=target/no-such-worker.aot" })
	@ExtendWith(OutputCaptureExtension.class)
	class UnusableAotCache extends PoolBeans {

		@Test
		void workerStartsWithoutItAndTheJvmsComplaintIsLoggedAsTheWorkers(CapturedOutput output) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.alive() == 1);
			BatchResult result = this.service.batch(this.engine, List.of("UTC", "Asia/Kolkata"), null, CLIENT);
			assertThat(result.succeeded()).isEqualTo(2);
			assertThat(restarts(this.registry, "crash")).isZero();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(output.getAll().lines())
					.filteredOn((line) -> line.contains("dev.timefan.processes.worker-"))
					.anySatisfy((line) -> assertThat(line).contains("[error][aot]")));
		}

	}

}
