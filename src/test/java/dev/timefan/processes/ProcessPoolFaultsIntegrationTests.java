package dev.timefan.processes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.timefan.fanout.BatchResult;
import dev.timefan.fanout.FanoutService;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool under faults, with real child JVMs: a worker killed with SIGKILL mid-batch, a
 * worker that hangs, recycling after a quota, and a worker JVM that complains at start.
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
	@SpringBootTest(properties = { "timefan.processes.workers=2", "timefan.processes.restart-backoff=50ms" })
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
