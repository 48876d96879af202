package dev.timefan.ratelimit;

import java.time.Duration;
import java.util.stream.IntStream;

import dev.timefan.ratelimit.ClientRateLimits.Limit;
import dev.timefan.ratelimit.ClientRateLimits.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The buckets of each client, on a time that only the test moves: what passes, what is
 * refused and with which wait, the debt of a request larger than a bucket, the bound on
 * the clients kept, and the meters.
 */
class ClientRateLimitsTests {

	private static final String CLIENT = "198.51.100.7";

	private final ManualTime time = new ManualTime();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	/** 5 requests and 20 items a second, a second's worth in each bucket. */
	private final ClientRateLimits limits = limits(5, 20, Duration.ofSeconds(1), 100, Duration.ofMinutes(1),
			this.registry);

	@Test
	void disabledLimitsAreNoneAndTrackNothing() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ClientRateLimits disabled = ClientRateLimits.of(
				new RateLimitProperties(false, 1, 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(1)), this.time,
				meters);
		assertThat(disabled).isSameAs(ClientRateLimits.none());
		assertThat(disabled.enabled()).isFalse();
		for (int i = 0; i < 1_000; i++) {
			assertThat(disabled.tryTakeRequest("192.0.2." + (i % 250))).isNull();
			disabled.takeItems("192.0.2." + (i % 250), 1_000_000);
		}
		assertThat(disabled.clients()).isZero();
		assertThat(meters.getMeters()).isEmpty();
	}

	@Test
	void requestsOverTheRateAreRefusedWithTheWaitInWholeSeconds() {
		for (int i = 0; i < 5; i++) {
			assertThat(this.limits.tryTakeRequest(CLIENT)).as("request %d", i + 1).isNull();
		}
		Refusal refusal = this.limits.tryTakeRequest(CLIENT);
		assertThat(refusal).isNotNull();
		assertThat(refusal.limit()).isEqualTo(Limit.REQUESTS);
		assertThat(refusal.retryAfterSeconds()).isEqualTo(1);
		assertThat(refusal.detail()).isEqualTo("more than 5 requests per second from this client; retry after 1 s");
		assertThat(rejections("requests")).isEqualTo(1);
		assertThat(rejections("items")).isZero();
	}

	@Test
	void aBucketRefillsAsTheTimeAdvances() {
		IntStream.range(0, 5).forEach((i) -> this.limits.tryTakeRequest(CLIENT));
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNotNull();
		this.time.advance(Duration.ofMillis(199));
		assertThat(this.limits.tryTakeRequest(CLIENT)).as("a fifth of a second refills one request").isNotNull();
		this.time.advance(Duration.ofMillis(1));
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNull();
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNotNull();
		this.time.advance(Duration.ofSeconds(10));
		for (int i = 0; i < 5; i++) {
			assertThat(this.limits.tryTakeRequest(CLIENT)).as("a full bucket again, never more").isNull();
		}
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNotNull();
	}

	@Test
	void itemsOverTheRateAreA429ProblemWithRetryAfter() {
		this.limits.takeItems(CLIENT, 15);
		assertThatExceptionOfType(ErrorResponseException.class).isThrownBy(() -> this.limits.takeItems(CLIENT, 10))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
				assertThat(ex.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("1");
				assertThat(ex.getBody().getType()).hasToString("urn:timefan:problem:rate-limited");
				assertThat(ex.getBody().getTitle()).isEqualTo("Too Many Requests");
				assertThat(ex.getBody().getStatus()).isEqualTo(429);
				assertThat(ex.getBody().getDetail())
					.isEqualTo("more than 20 zones per second from this client; retry after 1 s");
			});
		assertThat(rejections("items")).isEqualTo(1);
		this.limits.takeItems(CLIENT, 5);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			# taken first, then asked, the wait in whole seconds
			20,  1,   1
			20,  20,  1
			20,  21,  1
			5,   20,  1
			""")
	void retryAfterIsTheBucketsWaitRoundedUp(long taken, long asked, long seconds) {
		this.limits.takeItems(CLIENT, taken);
		Refusal refusal = this.limits.tryTakeItems(CLIENT, asked);
		assertThat(refusal).isNotNull();
		assertThat(refusal.retryAfterSeconds()).isEqualTo(seconds);
		this.time.advance(Duration.ofSeconds(seconds));
		assertThat(this.limits.tryTakeItems(CLIENT, asked)).as("passes after the wait it was told").isNull();
	}

	@Test
	void aTakeLargerThanTheBucketPassesWhenFullAndLeavesItsDebt() {
		this.limits.takeItems(CLIENT, 1);
		Refusal notFull = this.limits.tryTakeItems(CLIENT, 50);
		assertThat(notFull).as("needs a full bucket").isNotNull();
		assertThat(notFull.retryAfterSeconds()).isEqualTo(1);
		this.time.advance(Duration.ofMillis(50));
		assertThat(this.limits.tryTakeItems(CLIENT, 50)).isNull();
		// 50 taken from 20: 30 owed, and one more item needs 31 at 20 a second.
		Refusal inDebt = this.limits.tryTakeItems(CLIENT, 1);
		assertThat(inDebt).isNotNull();
		assertThat(inDebt.retryAfterSeconds()).isEqualTo(2);
		this.time.advance(Duration.ofMillis(1_500));
		assertThat(this.limits.tryTakeItems(CLIENT, 1)).as("still owing").isNotNull();
		this.time.advance(Duration.ofMillis(50));
		assertThat(this.limits.tryTakeItems(CLIENT, 1)).isNull();
	}

	@Test
	void theSustainedRateHoldsForTakesLargerThanTheBucket() {
		long passed = 0;
		for (int tick = 0; tick < 600; tick++) {
			if (this.limits.tryTakeItems(CLIENT, 50) == null) {
				passed += 50;
			}
			this.time.advance(Duration.ofMillis(100));
		}
		// 60 s at 20 items a second, and the first full bucket.
		assertThat(passed).isBetween(1_150L, 1_220L);
	}

	@Test
	void requestsAndItemsAreSeparateBuckets() {
		this.limits.takeItems(CLIENT, 20);
		assertThat(this.limits.tryTakeItems(CLIENT, 1)).isNotNull();
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNull();
	}

	@Test
	void clientsAreLimitedSeparately() {
		IntStream.range(0, 5).forEach((i) -> this.limits.tryTakeRequest(CLIENT));
		assertThat(this.limits.tryTakeRequest(CLIENT)).isNotNull();
		assertThat(this.limits.tryTakeRequest("198.51.100.8")).isNull();
		assertThat(this.limits.tryTakeRequest("2001:db8::7")).isNull();
		assertThat(this.limits.clients()).isEqualTo(3);
	}

	@Test
	void theClientsKeptAreBounded() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ClientRateLimits bounded = limits(5, 20, Duration.ofSeconds(1), 100, Duration.ofMinutes(1), meters);
		for (int i = 0; i < 10_000; i++) {
			bounded.tryTakeRequest("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff));
		}
		bounded.cleanUp();
		assertThat(bounded.clients()).isLessThanOrEqualTo(100);
		assertThat(meters.get("timefan.ratelimit.clients").gauge().value()).isBetween(1.0, 100.0);
	}

	@Test
	void anIdleClientIsForgottenAfterTheIdleTimeout() {
		IntStream.range(0, 5).forEach((i) -> this.limits.tryTakeRequest(CLIENT));
		this.time.advance(Duration.ofSeconds(59));
		this.limits.cleanUp();
		assertThat(this.limits.clients()).isOne();
		this.time.advance(Duration.ofSeconds(1));
		this.limits.cleanUp();
		assertThat(this.limits.clients()).isZero();
	}

	@Test
	void addressesLongerThanAnyIpShareTheBucketOfTheirFirstCharacters() {
		String prefix = "x".repeat(ClientRateLimits.MAX_CLIENT_LENGTH);
		IntStream.range(0, 5).forEach((i) -> this.limits.tryTakeRequest(prefix + "-" + i));
		assertThat(this.limits.tryTakeRequest(prefix + "-another")).isNotNull();
		assertThat(this.limits.clients()).isOne();
	}

	@Test
	void everyRejectionIsCountedByLimitWithItsUnit() {
		IntStream.range(0, 8).forEach((i) -> this.limits.tryTakeRequest(CLIENT));
		IntStream.range(0, 2).forEach((i) -> this.limits.tryTakeItems(CLIENT, 15));
		assertThat(rejections("requests")).isEqualTo(3);
		assertThat(rejections("items")).isEqualTo(1);
		Meter.Id id = this.registry.get("timefan.ratelimit.rejections").tag("limit", "items").counter().getId();
		assertThat(id.getBaseUnit()).isEqualTo("requests");
		assertThat(id.getDescription()).isNotBlank();
		assertThat(this.registry.get("timefan.ratelimit.clients").gauge().getId().getBaseUnit()).isEqualTo("clients");
	}

	private double rejections(String limit) {
		Counter counter = this.registry.get("timefan.ratelimit.rejections").tag("limit", limit).counter();
		return counter.count();
	}

	private ClientRateLimits limits(int requests, int items, Duration burst, int maxClients, Duration idle,
			SimpleMeterRegistry meters) {
		return ClientRateLimits.of(new RateLimitProperties(true, requests, items, burst, maxClients, idle), this.time,
				meters);
	}

}
