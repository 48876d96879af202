package dev.timefan.virtual;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.ZoneLookup;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.timefan.fanout.EngineFixtures.job;
import static dev.timefan.fanout.EngineFixtures.BOUND_SECONDS;
import static dev.timefan.fanout.EngineFixtures.CATALOG;
import static dev.timefan.fanout.EngineFixtures.CLOCK;
import static dev.timefan.fanout.EngineFixtures.DEADLINE;
import static dev.timefan.fanout.EngineFixtures.LOCAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link VirtualThreadEngine}.
 */
class VirtualThreadEngineTests {

	private @Nullable VirtualThreadEngine engine;

	@AfterEach
	void destroyEngine() {
		if (this.engine != null) {
			this.engine.destroy();
		}
	}

	@Test
	void strategyIsVirtual() {
		assertThat(start(1).strategy()).isEqualTo("virtual");
	}

	@Test
	void outcomesComeBackInTheOrderOfTheZonesDuplicatesIncluded() {
		VirtualThreadEngine engine = start(2);
		List<String> names = List.of("Asia/Kolkata", "UTC", "Europe/Paris", "UTC", "asia/dhaka", "Asia/Kolkata",
				"America/Argentina/Buenos_Aires", "GB", "UTC");

		List<Outcome> outcomes = engine.fanOut(job("virtual", names, Duration.ofSeconds(10), LOCAL)).join();

		assertThat(outcomes).extracting(Outcome::status).containsOnly(200).hasSize(names.size());
		assertThat(outcomes).extracting((outcome) -> outcome.time().timezone())
			.containsExactly("Asia/Kolkata", "UTC", "Europe/Paris", "UTC", "Asia/Dhaka", "Asia/Kolkata",
					"America/Argentina/Buenos_Aires", "GB", "UTC");
	}

	@Test
	void itemsRunningOrWaitingForAPermitAtTheDeadlineAre504AndNeverRunLater() throws InterruptedException {
		VirtualThreadEngine engine = warmedUp(start(1));
		CountDownLatch interrupted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger invocations = new AtomicInteger();
		// The first lookup holds the only permit past the deadline, even once it is
		// interrupted, so the other two still wait for it when they are cancelled.
		ZoneLookup holdsThePermit = (zone, clientIp, deadline) -> {
			invocations.incrementAndGet();
			boolean wasInterrupted = false;
			while (true) {
				try {
					boolean released = release.await(BOUND_SECONDS, TimeUnit.SECONDS);
					if (wasInterrupted) {
						Thread.currentThread().interrupt();
					}
					return Outcome.failed(502, released ? "released" : "never released", 0);
				}
				catch (InterruptedException ex) {
					wasInterrupted = true;
					interrupted.countDown();
				}
			}
		};

		List<Outcome> outcomes = engine
			.fanOut(job("virtual", List.of("UTC", "GB", "Asia/Kolkata"), DEADLINE, holdsThePermit))
			.join();

		assertThat(outcomes).extracting(Outcome::status).containsExactly(504, 504, 504);
		assertThat(outcomes).extracting(Outcome::error).containsOnly("missed the batch deadline of 500 ms");
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the running lookup was interrupted")
			.isTrue();

		release.countDown();
		List<Outcome> next = engine.fanOut(job("virtual", List.of("Europe/Paris"), Duration.ofSeconds(10), LOCAL))
			.join();

		assertThat(next).extracting(Outcome::status).as("the permit came back").containsExactly(200);
		assertThat(invocations).as("the cancelled items never ran").hasValue(1);
	}

	@Test
	void anEngineThatWasDestroyedFailsItsItemsWithoutThrowing() {
		VirtualThreadEngine engine = start(4);
		engine.destroy();

		List<Outcome> outcomes = engine.fanOut(job("virtual", List.of("UTC", "GB"), Duration.ofSeconds(10), LOCAL))
			.join();

		assertThat(outcomes).extracting(Outcome::status).containsExactly(500, 500);
		assertThat(outcomes).extracting(Outcome::error)
			.allSatisfy((error) -> assertThat(error).startsWith("lookup failed"));
	}

	private VirtualThreadEngine start(int concurrency) {
		VirtualThreadEngine engine = new VirtualThreadEngine(new VirtualProperties(concurrency, 32, 16000));
		this.engine = engine;
		return engine;
	}

	/**
	 * Runs one lookup through the engine, so that its threads exist before a test's
	 * deadline starts.
	 */
	private static VirtualThreadEngine warmedUp(VirtualThreadEngine engine) {
		assertThat(engine.fanOut(job("virtual", List.of("UTC"), Duration.ofSeconds(BOUND_SECONDS), LOCAL)).join())
			.extracting(Outcome::status)
			.containsExactly(200);
		return engine;
	}

}
