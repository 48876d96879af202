package dev.timefan.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.timefan.time.Zone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
 * Tests for {@link ExecutorFanout}.
 */
class ExecutorFanoutTests {

	/** The real local lookup, on the fixtures' pinned clock. */
	private static final ZoneLookup IN_MEMORY = new LocalLookup(CLOCK);

	/** An executor a test expects never to be used. */
	private static final Executor NO_EXECUTOR = (task) -> {
		throw new AssertionError("handed to the executor");
	};

	private final ThreadPoolExecutor pool = threads(4);

	private final ThreadPoolExecutor lane1 = threads(1);

	private final ThreadPoolExecutor lane2 = threads(1);

	@AfterEach
	void shutDownExecutors() {
		this.pool.shutdownNow();
		this.lane1.shutdownNow();
		this.lane2.shutdownNow();
	}

	@Test
	void outcomesComeBackInTheOrderOfTheZonesDuplicatesIncluded() {
		List<String> names = List.of("Asia/Kolkata", "UTC", "UTC", "Europe/Paris");
		CountDownLatch lastDone = new CountDownLatch(1);
		// The first item finishes only after the last one: the order is the zones', not
		// the order of completion.
		ZoneLookup lookup = (zone, clientIp, deadline) -> {
			if (zone.name().equals("Asia/Kolkata")) {
				try {
					if (!lastDone.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
						return Outcome.failed(502, "the last item never finished", 0);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return Outcome.failed(502, "interrupted", 0);
				}
			}
			Outcome outcome = LOCAL.lookup(zone, clientIp, deadline);
			if (zone.name().equals("Europe/Paris")) {
				lastDone.countDown();
			}
			return outcome;
		};

		List<Outcome> outcomes = ExecutorFanout.run(this.pool, job("threads", names, Duration.ofSeconds(10), lookup));

		assertThat(outcomes).extracting(Outcome::status).containsExactly(200, 200, 200, 200);
		assertThat(outcomes).extracting((outcome) -> outcome.time().timezone()).containsExactlyElementsOf(names);
	}

	@Test
	void itemsAStoppedExecutorRefusesFailAloneAndTheOthersStillRun() {
		AtomicInteger submitted = new AtomicInteger();
		// Accepts the first and third items, refuses the second and fourth.
		Executor executor = (task) -> {
			if (submitted.getAndIncrement() % 2 == 1) {
				throw new RejectedExecutionException("stopped");
			}
			this.pool.execute(task);
		};

		List<Outcome> outcomes = ExecutorFanout.run(executor,
				job("threads", List.of("UTC", "GB", "Asia/Dhaka", "Europe/Paris"), Duration.ofSeconds(10), LOCAL));

		assertThat(outcomes).extracting(Outcome::status).containsExactly(200, 500, 200, 500);
		assertThat(outcomes.get(1).error()).startsWith("lookup failed (correlation id ").doesNotContain("stopped");
		assertThat(outcomes.get(1).time()).isNull();
		assertThat(outcomes.get(2).time().timezone()).isEqualTo("Asia/Dhaka");
	}

	@Test
	void itemsUnfinishedAtTheDeadlineAre504AndTheirWorkIsInterrupted() throws InterruptedException {
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		ZoneLookup lookup = (zone, clientIp, deadline) -> zone.name().equals("UTC")
				? blockUntilInterrupted(never, interrupted) : LOCAL.lookup(zone, clientIp, deadline);

		List<Outcome> outcomes = ExecutorFanout.run(this.pool,
				job("virtual", List.of("UTC", "Asia/Kolkata"), DEADLINE, lookup));

		assertThat(outcomes).extracting(Outcome::status).containsExactly(504, 200);
		assertThat(outcomes.getFirst().error()).isEqualTo("missed the batch deadline of 500 ms");
		assertThat(outcomes.getFirst().nanos()).isGreaterThanOrEqualTo(DEADLINE.toNanos());
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the late lookup was interrupted").isTrue();
	}

	@Test
	void aTaskThatStartsAfterTheDeadlineNeverLooksItsZoneUp() throws InterruptedException {
		// Lane 1 runs UTC, which blocks until interrupted, then Asia/Kolkata queued
		// behind it; lane 2 runs GB. When the deadline cancels UTC, lane 1 is free to
		// start Asia/Kolkata before the caller has cancelled it too: GB's failure holds
		// the caller in between (reading its message) until Asia/Kolkata starts, or for
		// half a second if it never does.
		CountDownLatch interrupted = new CountDownLatch(1);
		CountDownLatch lateStarted = new CountDownLatch(1);
		AtomicBoolean startedWhileCallerHeld = new AtomicBoolean();
		ZoneLookup lookup = (zone, clientIp, deadline) -> switch (zone.name()) {
			case "UTC" -> blockUntilInterrupted(new CountDownLatch(1), interrupted);
			case "GB" -> throw new CallerHoldingFailure(lateStarted, startedWhileCallerHeld);
			default -> {
				lateStarted.countDown();
				yield LOCAL.lookup(zone, clientIp, deadline);
			}
		};
		AtomicInteger submitted = new AtomicInteger();
		Executor lanes = (task) -> ((submitted.getAndIncrement() == 1) ? this.lane2 : this.lane1).execute(task);

		List<Outcome> outcomes = ExecutorFanout.run(lanes,
				job("threads", List.of("UTC", "GB", "Asia/Kolkata"), DEADLINE, lookup));

		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("UTC was interrupted").isTrue();
		assertThat(outcomes.get(0).status()).isEqualTo(504);
		assertThat(outcomes.get(1).succeeded()).isFalse();
		assertThat(outcomes.get(2).status()).isEqualTo(504);
		assertThat(startedWhileCallerHeld).as("the late task looked its zone up").isFalse();
		assertThat(lateStarted.getCount()).as("the late task's lookup never started").isOne();
	}

	@Test
	void aCallerInterruptedWhileWaitingAnswers504AndKeepsItsInterruptFlag() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(2);
		CountDownLatch interrupted = new CountDownLatch(2);
		ZoneLookup lookup = (zone, clientIp, deadline) -> {
			started.countDown();
			return blockUntilInterrupted(never, interrupted);
		};
		CompletableFuture<List<Outcome>> outcomes = new CompletableFuture<>();
		CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
		Thread caller = Thread.ofPlatform().name("caller").start(() -> {
			outcomes.complete(ExecutorFanout.run(this.pool,
					job("threads", List.of("UTC", "GB"), Duration.ofSeconds(30), lookup)));
			flagKept.complete(Thread.currentThread().isInterrupted());
		});
		assertThat(started.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("both lookups started").isTrue();

		caller.interrupt();

		assertThat(outcomes.get(BOUND_SECONDS, TimeUnit.SECONDS)).extracting(Outcome::status).containsExactly(504, 504);
		assertThat(flagKept.get(BOUND_SECONDS, TimeUnit.SECONDS)).as("the caller's interrupt flag is restored")
			.isTrue();
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("both lookups were interrupted").isTrue();
	}

	@Test
	void aLookupThatThrowsFailsOnlyItsOwnItem() {
		ZoneLookup lookup = (zone, clientIp, deadline) -> {
			if (zone.name().equals("GB")) {
				throw new IllegalStateException("rules missing");
			}
			return LOCAL.lookup(zone, clientIp, deadline);
		};

		List<Outcome> outcomes = ExecutorFanout.run(Runnable::run,
				job("threads", List.of("UTC", "GB", "Asia/Kolkata"), Duration.ofSeconds(10), lookup));

		assertThat(outcomes).extracting(Outcome::succeeded).containsExactly(true, false, true);
		assertThat(outcomes.get(1).time()).isNull();
		assertThat(outcomes.get(1).status()).isEqualTo(500);
		assertThat(outcomes.get(1).error()).startsWith("lookup failed (correlation id ")
			.doesNotContain("rules missing");
	}

	@Test
	void aSingleInMemoryZoneIsAnsweredInTheCallersThreadWithoutTheExecutor() {
		AtomicReference<Thread> answeredIn = new AtomicReference<>();
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> {
			answeredIn.set(Thread.currentThread());
			return IN_MEMORY.lookup(zone, clientIp, deadline);
		});

		List<Outcome> outcomes = ExecutorFanout.run(NO_EXECUTOR,
				job("threads", List.of("Asia/Kolkata"), Duration.ofSeconds(10), lookup));

		assertThat(outcomes).extracting(Outcome::status).containsExactly(200);
		assertThat(outcomes.getFirst().source()).isEqualTo(Source.LOCAL);
		assertThat(outcomes.getFirst().time().timezone()).isEqualTo("Asia/Kolkata");
		assertThat(answeredIn).hasValue(Thread.currentThread());
	}

	@Test
	void theLocalSourceIsInMemoryAndALocalJobTooSmallForTwoSlicesNeverLeavesTheCaller() {
		List<String> names = names(2 * ExecutorFanout.MIN_SLICE - 1);

		List<Outcome> outcomes = ExecutorFanout.sliced(NO_EXECUTOR,
				job("threads", names, Duration.ofSeconds(10), IN_MEMORY), 8);

		assertThat(IN_MEMORY.inMemory()).isTrue();
		assertThat(LOCAL.inMemory()).as("a lookup is not in memory unless it says so").isFalse();
		assertThat(outcomes).extracting(Outcome::status).containsOnly(200).hasSize(names.size());
		assertThat(outcomes).extracting((outcome) -> outcome.time().timezone()).containsExactlyElementsOf(names);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			# zones, cores, tasks handed to the executor
			  128,    2,     1
			  1000,   2,     1
			  1000,   4,     3
			  200,    4,     2
			  1000,   1,     0
			""")
	void anInMemoryJobIsCutIntoOneSliceACoreAtMostTheCallerAnsweringOneInOrder(int size, int cores, int tasks) {
		List<String> names = names(size);
		AtomicInteger handedOff = new AtomicInteger();
		Executor counting = (task) -> {
			handedOff.incrementAndGet();
			this.pool.execute(task);
		};

		List<Outcome> outcomes = ExecutorFanout.sliced(counting,
				job("threads", names, Duration.ofSeconds(10), IN_MEMORY), cores);

		assertThat(handedOff).hasValue(tasks);
		assertThat(outcomes).extracting(Outcome::status).containsOnly(200).hasSize(size);
		assertThat(outcomes).extracting((outcome) -> outcome.time().timezone()).containsExactlyElementsOf(names);
	}

	@Test
	void aSliceRunningAtTheDeadlineIsInterruptedAndItsZonesWithoutAnOutcomeAre504() throws InterruptedException {
		int size = 2 * ExecutorFanout.MIN_SLICE;
		List<String> names = names(size);
		int blocking = size / 2 + 2;
		CountDownLatch interrupted = new CountDownLatch(1);
		// The handed-off slice (the second half) blocks on its third zone until
		// interrupted.
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> zone.name().equals(names.get(blocking))
				? blockUntilInterrupted(new CountDownLatch(1), interrupted)
				: IN_MEMORY.lookup(zone, clientIp, deadline));

		List<Outcome> outcomes = ExecutorFanout.sliced(this.pool, job("threads", names, DEADLINE, lookup), 2);

		assertThat(outcomes.subList(0, blocking)).extracting(Outcome::status).containsOnly(200);
		assertThat(outcomes.subList(blocking, size)).extracting(Outcome::status).containsOnly(504);
		assertThat(outcomes.get(blocking).error()).isEqualTo("missed the batch deadline of 500 ms");
		assertThat(outcomes.get(blocking).nanos()).isGreaterThanOrEqualTo(DEADLINE.toNanos());
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the late slice was interrupted").isTrue();
	}

	@Test
	void slicesThatStartAfterTheDeadlineNeverLookTheirZonesUp() {
		int size = 2 * ExecutorFanout.MIN_SLICE;
		AtomicInteger looked = new AtomicInteger();
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> {
			looked.incrementAndGet();
			return IN_MEMORY.lookup(zone, clientIp, deadline);
		});
		FanoutJob job = job("threads", names(size), Duration.ofMillis(50), lookup);
		// Runs the handed-off slice in the caller's thread once the deadline has passed:
		// the caller's own slice then starts late too.
		Executor late = (task) -> {
			await().atMost(Duration.ofSeconds(BOUND_SECONDS)).until(() -> job.deadline().remainingNanos() <= 0);
			task.run();
		};

		List<Outcome> outcomes = ExecutorFanout.sliced(late, job, 2);

		assertThat(outcomes).extracting(Outcome::status).containsOnly(504).hasSize(size);
		assertThat(looked).hasValue(0);
	}

	@Test
	void anInMemoryLookupThatThrowsFailsOnlyItsOwnItemInEitherSlice() {
		int size = 2 * ExecutorFanout.MIN_SLICE;
		List<String> names = names(size);
		// The second zone of the caller's slice and of the handed-off one.
		List<String> failing = List.of(names.get(1), names.get(size / 2 + 1));
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> {
			if (failing.contains(zone.name())) {
				throw new IllegalStateException("rules missing");
			}
			return IN_MEMORY.lookup(zone, clientIp, deadline);
		});

		List<Outcome> outcomes = ExecutorFanout.sliced(this.pool, job("threads", names, Duration.ofSeconds(10), lookup),
				2);

		for (int i = 0; i < size; i++) {
			Outcome outcome = outcomes.get(i);
			if (i == 1 || i == size / 2 + 1) {
				assertThat(outcome.status()).as(names.get(i)).isEqualTo(500);
				assertThat(outcome.time()).isNull();
				assertThat(outcome.error()).startsWith("lookup failed (correlation id ")
					.doesNotContain("rules missing");
			}
			else {
				assertThat(outcome.status()).as(names.get(i)).isEqualTo(200);
			}
		}
	}

	@Test
	void aSliceTheExecutorRefusesFailsItsZonesAndTheCallersSliceStillAnswers() {
		int size = 2 * ExecutorFanout.MIN_SLICE;
		Executor stopped = (task) -> {
			throw new RejectedExecutionException("stopped");
		};

		List<Outcome> outcomes = ExecutorFanout.sliced(stopped,
				job("threads", names(size), Duration.ofSeconds(10), IN_MEMORY), 2);

		assertThat(outcomes.subList(0, size / 2)).extracting(Outcome::status).containsOnly(200);
		assertThat(outcomes.subList(size / 2, size)).extracting(Outcome::status).containsOnly(500);
		assertThat(outcomes.getLast().error()).startsWith("lookup failed (correlation id ").doesNotContain("stopped");
	}

	@Test
	void aCallerInterruptedWhileWaitingForASliceAnswers504AndKeepsItsInterruptFlag() throws Exception {
		int size = 2 * ExecutorFanout.MIN_SLICE;
		List<String> names = names(size);
		CountDownLatch ownDone = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		// The caller's slice (the first half) answers; the handed-off one blocks on its
		// first zone until interrupted.
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> {
			if (zone.name().equals(names.get(size / 2))) {
				started.countDown();
				return blockUntilInterrupted(new CountDownLatch(1), interrupted);
			}
			Outcome outcome = IN_MEMORY.lookup(zone, clientIp, deadline);
			if (zone.name().equals(names.get(size / 2 - 1))) {
				ownDone.countDown();
			}
			return outcome;
		});
		CompletableFuture<List<Outcome>> outcomes = new CompletableFuture<>();
		CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
		Thread caller = Thread.ofPlatform().name("caller").start(() -> {
			outcomes
				.complete(ExecutorFanout.sliced(this.pool, job("threads", names, Duration.ofSeconds(30), lookup), 2));
			flagKept.complete(Thread.currentThread().isInterrupted());
		});
		assertThat(started.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the handed-off slice started").isTrue();
		assertThat(ownDone.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the caller answered its slice").isTrue();

		caller.interrupt();

		List<Outcome> answered = outcomes.get(BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(answered.subList(0, size / 2)).extracting(Outcome::status).containsOnly(200);
		assertThat(answered.subList(size / 2, size)).extracting(Outcome::status).containsOnly(504);
		assertThat(flagKept.get(BOUND_SECONDS, TimeUnit.SECONDS)).as("the caller's interrupt flag is restored")
			.isTrue();
		assertThat(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the slice was interrupted").isTrue();
	}

	@Test
	void anInterruptedCallerAnswersItsSingleInMemoryZone504AndKeepsItsInterruptFlag() {
		Thread.currentThread().interrupt();
		List<Outcome> outcomes;
		boolean flagKept;
		try {
			outcomes = ExecutorFanout.run(NO_EXECUTOR,
					job("threads", List.of("Asia/Kolkata"), Duration.ofSeconds(10), IN_MEMORY));
		}
		finally {
			flagKept = Thread.interrupted();
		}

		assertThat(outcomes).extracting(Outcome::status).containsExactly(504);
		assertThat(flagKept).as("the caller's interrupt flag is kept").isTrue();
	}

	@Test
	void aSingleInMemoryZoneAfterTheDeadlineIs504AndNeverLookedUp() {
		AtomicInteger looked = new AtomicInteger();
		ZoneLookup lookup = inMemory((zone, clientIp, deadline) -> {
			looked.incrementAndGet();
			return IN_MEMORY.lookup(zone, clientIp, deadline);
		});

		List<Outcome> outcomes = ExecutorFanout.run(NO_EXECUTOR,
				job("threads", List.of("Asia/Kolkata"), Duration.ofNanos(-1), lookup));

		assertThat(outcomes).extracting(Outcome::status).containsExactly(504);
		assertThat(looked).hasValue(0);
	}

	/** The first {@code size} names of the catalog, cycled. */
	private static List<String> names(int size) {
		List<String> all = CATALOG.names();
		List<String> names = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			names.add(all.get(i % all.size()));
		}
		return names;
	}

	/** A lookup that says it answers from memory, whatever it does. */
	private static ZoneLookup inMemory(ZoneLookup lookup) {
		return new ZoneLookup() {

			@Override
			public Outcome lookup(Zone zone, String clientIp, Deadline deadline) {
				return lookup.lookup(zone, clientIp, deadline);
			}

			@Override
			public boolean inMemory() {
				return true;
			}

		};
	}

	private static ThreadPoolExecutor threads(int size) {
		ThreadPoolExecutor threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>());
		threads.prestartAllCoreThreads();
		return threads;
	}

	/**
	 * A lookup failure whose message holds the first thread reading it until a late task
	 * has started, or for half a second if none does.
	 */
	private static final class CallerHoldingFailure extends IllegalStateException {

		private final CountDownLatch lateStarted;

		private final AtomicBoolean startedWhileHeld;

		private final AtomicBoolean held = new AtomicBoolean();

		CallerHoldingFailure(CountDownLatch lateStarted, AtomicBoolean startedWhileHeld) {
			super("GB failed");
			this.lateStarted = lateStarted;
			this.startedWhileHeld = startedWhileHeld;
		}

		@Override
		public String toString() {
			if (this.held.getAndSet(true)) {
				return super.toString();
			}
			try {
				this.startedWhileHeld.set(this.lateStarted.await(500, TimeUnit.MILLISECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.toString();
		}

	}

}
