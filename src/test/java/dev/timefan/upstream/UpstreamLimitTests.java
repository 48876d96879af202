package dev.timefan.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.timefan.upstream.UpstreamProperties.ConcurrencyLimitSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class UpstreamLimitTests {

	private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(30);

	private final AtomicLong nanos = new AtomicLong();

	@Test
	void aWholeBatchOfTheInitialLimitLeavesAtOnce() throws InterruptedException {
		UpstreamLimit limit = limit(1000, 10, 1000);
		List<UpstreamLimit.Permit> permits = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			permits.add(limit.acquire(0));
		}
		assertThat(permits).doesNotContainNull();
		assertThat(limit.inflight()).isEqualTo(1000);
		assertThat(limit.acquire(0)).as("one over the limit, with no time to wait").isNull();
	}

	@Test
	void eachFailedCallCutsTheLimitByTheBackoffRatio() throws InterruptedException {
		UpstreamLimit limit = limit(100, 10, 100);
		limit.acquire(0).release(CallVerdict.FAILURE);
		assertThat(limit.limit()).isEqualTo(90);
		limit.acquire(0).release(CallVerdict.FAILURE);
		assertThat(limit.limit()).isEqualTo(81);
		for (int i = 0; i < 50; i++) {
			limit.acquire(0).release(CallVerdict.FAILURE);
		}
		assertThat(limit.limit()).as("never below min").isEqualTo(10);
	}

	@Test
	void answersRaiseTheLimitWhileHalfOfItIsInUpToMax() throws InterruptedException {
		UpstreamLimit limit = limit(10, 10, 12);
		List<UpstreamLimit.Permit> permits = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			permits.add(limit.acquire(0));
		}
		permits.forEach((permit) -> permit.release(CallVerdict.SUCCESS));
		assertThat(limit.limit()).as("the fifth call found half of the limit in use").isEqualTo(11);
		UpstreamLimit.Permit alone = limit.acquire(0);
		alone.release(CallVerdict.SUCCESS);
		assertThat(limit.limit()).as("one call alone says nothing about more room").isEqualTo(11);
		for (int round = 0; round < 5; round++) {
			List<UpstreamLimit.Permit> many = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				many.add(limit.acquire(0));
			}
			many.forEach((permit) -> permit.release(CallVerdict.SUCCESS));
		}
		assertThat(limit.limit()).as("never above max").isEqualTo(12);
	}

	@Test
	void aSlowAnswerWithinTheCallTimeoutIsAnAnswer() throws InterruptedException {
		UpstreamLimit limit = limit(100, 10, 100);
		UpstreamLimit.Permit permit = limit.acquire(0);
		this.nanos.addAndGet(Duration.ofMillis(1900).toNanos());
		permit.release(CallVerdict.SUCCESS);
		assertThat(limit.limit()).isEqualTo(100);
		UpstreamLimit.Permit late = limit.acquire(0);
		this.nanos.addAndGet(Duration.ofMillis(2100).toNanos());
		late.release(CallVerdict.SUCCESS);
		assertThat(limit.limit()).as("an answer past the call timeout is a failure").isEqualTo(90);
	}

	@Test
	void aCallThatToldNothingLeavesTheLimitAndGivesItsRoomBack() throws InterruptedException {
		UpstreamLimit limit = limit(2, 1, 2);
		UpstreamLimit.Permit permit = limit.acquire(0);
		permit.release(CallVerdict.NONE);
		permit.release(CallVerdict.FAILURE);
		assertThat(limit.limit()).as("released once: the second release is ignored").isEqualTo(2);
		assertThat(limit.inflight()).isZero();
	}

	@Test
	void callsOverTheLimitWaitAndGetRoomFirstComeFirstServed() throws Exception {
		UpstreamLimit limit = limit(1, 1, 1);
		UpstreamLimit.Permit held = limit.acquire(0);
		List<Integer> order = new ArrayList<>();
		List<CompletableFuture<UpstreamLimit.Permit>> waiting = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int caller = i;
			waiting.add(CompletableFuture.supplyAsync(() -> {
				try {
					UpstreamLimit.Permit permit = limit.acquire(LONG_WAIT);
					synchronized (order) {
						order.add(caller);
					}
					return permit;
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}, (task) -> Thread.ofVirtual().start(task)));
			awaitWaiting(limit, i + 1);
		}
		held.release(CallVerdict.SUCCESS);
		for (CompletableFuture<UpstreamLimit.Permit> next : waiting) {
			next.get(30, TimeUnit.SECONDS).release(CallVerdict.SUCCESS);
		}
		assertThat(order).containsExactly(0, 1, 2);
		assertThat(limit.inflight()).isZero();
	}

	@Test
	void aReactiveCallWaitsWithoutAThreadAndGetsTheRoomReleased() throws InterruptedException {
		UpstreamLimit limit = limit(1, 1, 1);
		UpstreamLimit.Permit held = limit.acquire(0);
		CompletableFuture<UpstreamLimit.Permit> later = limit.acquireLater().toFuture();
		assertThat(later).isNotDone();
		assertThat(limit.waiting()).isEqualTo(1);
		held.release(CallVerdict.SUCCESS);
		assertThat(later).isCompleted();
		assertThat(limit.inflight()).isEqualTo(1);
	}

	@Test
	void aCancelledWaitGivesUpItsPlace() throws InterruptedException {
		UpstreamLimit limit = limit(1, 1, 1);
		UpstreamLimit.Permit held = limit.acquire(0);
		Disposable cancelled = limit.acquireLater().subscribe();
		CompletableFuture<UpstreamLimit.Permit> next = limit.acquireLater().toFuture();
		cancelled.dispose();
		held.release(CallVerdict.SUCCESS);
		assertThat(next).as("the room skips the cancelled wait").isCompleted();
		assertThat(limit.inflight()).isEqualTo(1);
		assertThat(limit.waiting()).isZero();
	}

	@Test
	void aBlockingWaitPastItsTimeHoldsNoRoom() throws InterruptedException {
		UpstreamLimit limit = limit(1, 1, 1);
		UpstreamLimit.Permit held = limit.acquire(0);
		assertThat(limit.acquire(TimeUnit.MILLISECONDS.toNanos(1))).isNull();
		held.release(CallVerdict.SUCCESS);
		assertThat(limit.inflight()).isZero();
		assertThat(limit.waiting()).isZero();
	}

	@Test
	void thousandsOfWaitersEndingAtOnceDrainWithoutRecursion() throws InterruptedException {
		UpstreamLimit limit = limit(1, 1, 1);
		UpstreamLimit.Permit held = limit.acquire(0);
		AtomicInteger ended = new AtomicInteger();
		// Each waiter's call ends on the thread that handed it the room, as a reactive
		// call the breaker refuses does.
		IntStream.range(0, 20_000)
			.forEach((i) -> limit.acquireLater()
				.flatMap((permit) -> Mono.fromRunnable(() -> permit.release(CallVerdict.NONE)))
				.doFinally((signal) -> ended.incrementAndGet())
				.subscribe());
		held.release(CallVerdict.SUCCESS);
		assertThat(ended).hasValue(20_000);
		assertThat(limit.inflight()).isZero();
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			1000, 10, 1000, 2, 500, 5, 500
			1000, 10, 1000, 3, 334, 4, 334
			5, 1, 5, 8, 1, 1, 1
			""")
	void workerProcessesShareEveryBound(int initial, int min, int max, int workers, int shareInitial, int shareMin,
			int shareMax) {
		ConcurrencyLimitSettings share = new ConcurrencyLimitSettings(initial, min, max, 0.9).share(workers);
		assertThat(share.initial()).isEqualTo(shareInitial);
		assertThat(share.min()).isEqualTo(shareMin);
		assertThat(share.max()).isEqualTo(shareMax);
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			0; 0; 10; 0.9; timefan.upstream.concurrency-limit.min must be at least 1, not 0
			5; 10; 20; 0.9; timefan.upstream.concurrency-limit.initial must lie between min (10) and max (20), not 5
			30; 10; 20; 0.9; timefan.upstream.concurrency-limit.initial must lie between min (10) and max (20), not 30
			10; 10; 20; 1.0; timefan.upstream.concurrency-limit.backoff-ratio must be at least 0.5 and below 1, not 1.0
			10; 10; 20; 0.4; timefan.upstream.concurrency-limit.backoff-ratio must be at least 0.5 and below 1, not 0.4
			""")
	void badSettingsStopStartUpSayingWhich(int initial, int min, int max, double backoffRatio, String message) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConcurrencyLimitSettings(initial, min, max, backoffRatio))
			.withMessage(message);
	}

	private UpstreamLimit limit(int initial, int min, int max) {
		return new UpstreamLimit(new ConcurrencyLimitSettings(initial, min, max, 0.9), Duration.ofSeconds(2),
				this.nanos::get);
	}

	private static void awaitWaiting(UpstreamLimit limit, int waiting) {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(limit.waiting()).isEqualTo(waiting));
	}

}
