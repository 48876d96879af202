package dev.timefan.fanout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A strategy's bulkhead: whole requests in, whole requests out, and a Retry-After from
 * the drain rate, on a clock the test moves.
 */
class AdmissionTests {

	private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));

	private final Admission admission = new Admission("threads", new Capacity(2, 100), Duration.ofSeconds(10),
			this.nanos::get);

	@Test
	void aRequestIsAdmittedWholeWhileItsZonesFit() {
		this.admission.admit(60);
		this.admission.admit(40);

		assertThat(this.admission.inflight()).isEqualTo(100);
	}

	@Test
	void aRequestWhoseZonesDoNotFitIsShedWholeAndTakesNothing() {
		this.admission.admit(60);

		assertThatExceptionOfType(Shed.class).isThrownBy(() -> this.admission.admit(41)).satisfies((shed) -> {
			assertThat(shed.getStatusCode().value()).isEqualTo(503);
			assertThat(shed.limit()).isEqualTo(Shed.Limit.ITEMS);
			assertThat(shed.strategy()).isEqualTo("threads");
			assertThat(shed.getBody().getDetail()).isEqualTo("strategy 'threads' is at capacity (60 of its 100 zones "
					+ "in flight) and cannot take 41 more zones now; retry after 10 s");
		});
		assertThat(this.admission.inflight()).isEqualTo(60);
		assertThat(this.admission.admit(40)).as("the shed request took no request slot either").isNotNull();
	}

	@Test
	void aRequestBeyondTheRequestsInFlightIsShedWhateverItsSize() {
		this.admission.admit(1);
		this.admission.admit(1);

		assertThatExceptionOfType(Shed.class).isThrownBy(() -> this.admission.admit(1)).satisfies((shed) -> {
			assertThat(shed.limit()).isEqualTo(Shed.Limit.BATCHES);
			assertThat(shed.getBody().getDetail()).isEqualTo("strategy 'threads' is at capacity (all 2 of its "
					+ "requests in flight) and cannot take 1 more zone now; retry after 10 s");
		});
		assertThat(this.admission.inflight()).isEqualTo(2);
	}

	@Test
	void aReleasedTicketFreesItsZonesAndRequestOnceOnly() {
		Admission.Ticket ticket = this.admission.admit(100);
		ticket.release();
		ticket.release();

		assertThat(this.admission.inflight()).isZero();
		this.admission.admit(100);
		assertThatExceptionOfType(Shed.class).as("the second release freed nothing").isThrownBy(() -> {
			this.admission.admit(1);
			this.admission.admit(1);
		});
	}

	@Test
	void retryAfterIsHowLongTheExcessTakesToDrainAtTheRecentRate() {
		// 200 zones drained over the last 10 s: 20 a second.
		for (int second = 0; second < 10; second++) {
			this.admission.admit(20).release();
			this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
		}
		this.admission.admit(50);

		// 50 in flight + 100 asked - 100 = 50 over: 2.5 s at 20 a second.
		assertThatExceptionOfType(Shed.class).isThrownBy(() -> this.admission.admit(100))
			.satisfies((shed) -> assertThat(shed.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3"));
	}

	@Test
	void retryAfterIsAtLeastASecondAndAtMostTheBatchTimeout() {
		for (int i = 0; i < 10_000; i++) {
			this.admission.admit(10).release();
		}
		this.admission.admit(95);
		assertThatExceptionOfType(Shed.class).isThrownBy(() -> this.admission.admit(10))
			.satisfies((shed) -> assertThat(shed.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1"));

		// Nothing drained for longer than the window: all admitted work ends by the
		// batch deadline.
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(DrainRate.SECONDS));
		assertThatExceptionOfType(Shed.class).isThrownBy(() -> this.admission.admit(10))
			.satisfies((shed) -> assertThat(shed.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("10"));
	}

	@Test
	void aRequestThatWouldTakeOverHalfTheDeadlineToDrainIsShedWhileOthersAreInFlight() {
		Admission roomy = drainedAtAHundredASecondThenIdle();
		roomy.admit(200);
		roomy.admit(300);

		// 500 in flight and 1 more: 5.01 s of work at 100 a second, over the 5 s budget.
		assertThatExceptionOfType(Shed.class).isThrownBy(() -> roomy.admit(1)).satisfies((shed) -> {
			assertThat(shed.limit()).isEqualTo(Shed.Limit.BACKLOG);
			assertThat(shed.getBody().getDetail()).isEqualTo("strategy 'processes' is at capacity (500 zones in "
					+ "flight, about 5.0 s of work with these at the 100 a second it drains, over half the batch "
					+ "deadline) and cannot take 1 more zone now; retry after 1 s");
		});
		assertThat(roomy.inflight()).as("the shed request took nothing").isEqualTo(500);
	}

	@Test
	void aRequestThatFindsNothingInFlightIsNeverShedForTheBacklog() {
		Admission roomy = drainedAtAHundredASecondThenIdle();

		assertThat(roomy.admit(2_000)).as("20 s of work, but nothing else waits").isNotNull();
	}

	@Test
	void noRequestIsShedForTheBacklogWhileRequestsEndInTime() {
		Admission roomy = new Admission("processes", new Capacity(100, 10_000), Duration.ofSeconds(10),
				this.nanos::get);
		for (int second = 0; second < 5; second++) {
			roomy.admit(100).release();
			this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
		}
		roomy.admit(1_000);

		assertThat(roomy.admit(1_000)).as("20 s of work at 100 a second, but none was late").isNotNull();
	}

	@Test
	void aLateRequestMakesTheBacklogCountForTheWindowOnly() {
		Admission roomy = drainedAtAHundredASecondThenIdle();
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(DrainRate.SECONDS));
		for (int second = 0; second < 5; second++) {
			roomy.admit(100).release();
			this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
		}
		roomy.admit(1_000);

		assertThat(roomy.admit(1_000)).as("the late request left the window").isNotNull();
	}

	@Test
	void theDrainRateCountsOnlyTheSecondsWithWorkInFlight() {
		DrainRate rate = new DrainRate(this.nanos::get);
		long started = this.nanos.get();
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
		rate.add(400, started);
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));

		assertThat(rate.perBusySecond()).as("400 over the 4 seconds it was in flight").isEqualTo(100);
		assertThat(rate.perSecond()).as("400 over the window").isEqualTo(40);

		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(DrainRate.SECONDS));
		assertThat(rate.perBusySecond()).as("all of it left the window").isZero();
	}

	/**
	 * An admission for 10 s batches whose one request of 700 zones took 6 s, over half
	 * the deadline: 100 zones a busy second, over the 7 seconds it was in flight; then
	 * idle.
	 */
	private Admission drainedAtAHundredASecondThenIdle() {
		Admission roomy = new Admission("processes", new Capacity(100, 10_000), Duration.ofSeconds(10),
				this.nanos::get);
		Admission.Ticket late = roomy.admit(700);
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(6));
		late.release();
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
		return roomy;
	}

	@Test
	void aCapacityUnderOneIsRefusedNamingItsKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> Capacity.of("timefan.virtual", 0, 10))
			.withMessage("timefan.virtual.max-batches must be at least 1, not 0");
		assertThatIllegalArgumentException().isThrownBy(() -> Capacity.of("timefan.virtual", 1, -5))
			.withMessage("timefan.virtual.max-items must be at least 1, not -5");
	}

}
