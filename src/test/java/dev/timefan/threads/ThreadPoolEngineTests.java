package dev.timefan.threads;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.ZoneLookup;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.timefan.fanout.EngineFixtures.job;
import static dev.timefan.fanout.EngineFixtures.blockUntilInterrupted;
import static dev.timefan.fanout.EngineFixtures.BOUND_SECONDS;
import static dev.timefan.fanout.EngineFixtures.CATALOG;
import static dev.timefan.fanout.EngineFixtures.CLOCK;
import static dev.timefan.fanout.EngineFixtures.DEADLINE;
import static dev.timefan.fanout.EngineFixtures.LOCAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ThreadPoolEngine}.
 */
class ThreadPoolEngineTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private @Nullable ThreadPoolEngine engine;

	@AfterEach
	void destroyEngine() {
		if (this.engine != null) {
			this.engine.destroy();
		}
	}

	@Test
	void strategyIsThreads() {
		assertThat(start(1).strategy()).isEqualTo("threads");
	}

	@Test
	void outcomesComeBackInTheOrderOfTheZonesDuplicatesIncluded() {
		List<String> names = List.of("Asia/Kolkata", "UTC", "Europe/Paris", "UTC", "asia/dhaka", "Asia/Kolkata",
				"America/Argentina/Buenos_Aires", "GB", "UTC");

		ThreadPoolEngine engine = start(4);

		List<Outcome> outcomes = engine.fanOut(job("threads", names, Duration.ofSeconds(10), LOCAL)).join();

		assertThat(outcomes).extracting(Outcome::status).containsOnly(200).hasSize(names.size());
		assertThat(outcomes).extracting((outcome) -> outcome.time().timezone())
			.containsExactly("Asia/Kolkata", "UTC", "Europe/Paris", "UTC", "Asia/Dhaka", "Asia/Kolkata",
					"America/Argentina/Buenos_Aires", "GB", "UTC");
	}

	@Test
	void aBusyPoolQueuesEveryItemAndCancelsTheBlockedOnesAt504() throws InterruptedException {
		ThreadPoolEngine engine = start(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		// Every lookup blocks until interrupted: the first holds the only thread, the
		// others wait in the queue, none is refused.
		ZoneLookup blocking = (zone, clientIp, deadline) -> blockUntilInterrupted(new CountDownLatch(1), interrupted);

		List<Outcome> outcomes = engine
			.fanOut(job("threads", List.of("UTC", "GB", "Asia/Kolkata", "Europe/Paris"), DEADLINE, blocking))
			.join();

		assertThat(outcomes).extracting(Outcome::status).containsExactly(504, 504, 504, 504);
		assertThat(outcomes).extracting(Outcome::error).containsOnly("missed the batch deadline of 500 ms");
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the blocked lookup was interrupted")
			.isTrue();
	}

	@Test
	void theThreadOfACancelledLookupServesTheNextBatch() throws InterruptedException {
		ThreadPoolEngine engine = warmedUp(start(1));
		CountDownLatch interrupted = new CountDownLatch(1);
		ZoneLookup blocking = (zone, clientIp, deadline) -> blockUntilInterrupted(new CountDownLatch(1), interrupted);
		assertThat(engine.fanOut(job("threads", List.of("UTC"), DEADLINE, blocking)).join()).extracting(Outcome::status)
			.containsExactly(504);
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

		List<Outcome> next = engine.fanOut(job("threads", List.of("Asia/Kolkata"), Duration.ofSeconds(10), LOCAL))
			.join();

		assertThat(next).extracting(Outcome::status).containsExactly(200);
	}

	@Test
	void thePoolIsMeasuredAsExecutorMetersNamedTimefanThreads() {
		ThreadPoolEngine engine = start(3);

		List<Outcome> outcomes = engine
			.fanOut(job("threads", List.of("UTC", "GB", "Asia/Kolkata", "Europe/Paris"), Duration.ofSeconds(10), LOCAL))
			.join();

		assertThat(outcomes).extracting(Outcome::status).containsOnly(200);
		assertThat(this.registry.get("executor.pool.max").tag("name", "timefan.threads").gauge().value())
			.isEqualTo(3.0);
		assertThat(this.registry.get("executor.pool.core").tag("name", "timefan.threads").gauge().value())
			.isEqualTo(3.0);
		assertThat(this.registry.get("executor.queue.remaining").tag("name", "timefan.threads").gauge().value())
			.as("admission bounds the queue, not the queue itself")
			.isEqualTo(Integer.MAX_VALUE);
		assertThat(this.registry.get("executor.queued").tag("name", "timefan.threads").gauge().value()).isEqualTo(0.0);
		// A worker counts its task completed just after the caller saw its outcome.
		await().atMost(Duration.ofSeconds(BOUND_SECONDS)).untilAsserted(() -> {
			assertThat(this.registry.get("executor.completed").tag("name", "timefan.threads").functionCounter().count())
				.isEqualTo(4.0);
			assertThat(this.registry.get("executor").tag("name", "timefan.threads").timer().count()).isEqualTo(4);
		});
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains("executor.active", "executor.pool.size", "executor.idle");
		assertThat(this.registry.getMeters()).map(Meter::getId)
			.allSatisfy((id) -> assertThat(id.getTag("name")).as(id.getName()).isEqualTo("timefan.threads"));
	}

	private ThreadPoolEngine start(int poolSize) {
		ThreadPoolEngine engine = new ThreadPoolEngine(new ThreadsProperties(poolSize, 32, 16000), this.registry);
		this.engine = engine;
		return engine;
	}

	/**
	 * Runs one lookup through the engine, so that its threads exist before a test's
	 * deadline starts.
	 */
	private static ThreadPoolEngine warmedUp(ThreadPoolEngine engine) {
		assertThat(engine.fanOut(job("threads", List.of("UTC"), Duration.ofSeconds(BOUND_SECONDS), LOCAL)).join())
			.extracting(Outcome::status)
			.containsExactly(200);
		return engine;
	}

}
