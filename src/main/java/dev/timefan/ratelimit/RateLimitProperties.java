package dev.timefan.ratelimit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-client rate limits, off by default. A client is an address
 * ({@code request.getRemoteAddr()}: behind proxies, the forwarded one with
 * {@code server.forward-headers-strategy=native}); each has a bucket of requests and one
 * of items, which refill continuously at their rate and hold {@code burst} of it.
 *
 * @param enabled whether clients are limited; when off, nothing is tracked and no filter
 * is in the request path
 * @param requestsPerSecond the API requests ({@code /time...}, the strategies'
 * {@code /time...}, {@code /compare/...}, {@code /api/...}) one client may make per
 * second, sustained
 * @param itemsPerSecond the zones one client may ask for per second, sustained: each zone
 * of a batch, 1 for a single lookup or a worldtimeapi request, each zone of a comparison
 * once per strategy; a request asking for more than a full bucket holds is let through
 * when the bucket is full and leaves it that much in debt, so no batch size is refused
 * outright and the sustained rate holds
 * @param burst how much of each rate a client may spend at once after being idle: each
 * bucket holds this long's worth of its rate (by default 20 requests and 1,000 zones)
 * @param maxClients the most clients whose buckets are kept, about 700 bytes each (7 MiB
 * for the default); past it, those least likely to be seen again are forgotten first, so
 * addresses seen once cannot grow memory without bound (a client forgotten starts again
 * with full buckets)
 * @param idleTimeout how long the buckets of a client that sends nothing are kept; at
 * least {@code burst}, the time an empty bucket takes to refill, so that forgetting a
 * client never hands it a full bucket early
 */
@ConfigurationProperties(RateLimitProperties.PREFIX)
record RateLimitProperties(@DefaultValue("false") boolean enabled, @DefaultValue("20") int requestsPerSecond,
		@DefaultValue("1000") int itemsPerSecond, @DefaultValue("1s") Duration burst,
		@DefaultValue("10000") int maxClients, @DefaultValue("1m") Duration idleTimeout) {

	static final String PREFIX = "timefan.rate-limit";

	private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

	/** The highest rate Bucket4j refills at: one token a nanosecond. */
	private static final int MAX_RATE = 1_000_000_000;

	/** Bucket4j's arithmetic stays exact for capacities well below this. */
	private static final long MAX_CAPACITY = Long.MAX_VALUE / 4;

	RateLimitProperties {
		requireRate("requests-per-second", requestsPerSecond);
		requireRate("items-per-second", itemsPerSecond);
		if (maxClients < 1) {
			throw new IllegalArgumentException(PREFIX + ".max-clients must be at least 1, got " + maxClients);
		}
		if (burst.isNegative() || burst.isZero()) {
			throw new IllegalArgumentException(PREFIX + ".burst must be positive, got " + burst);
		}
		int slowest = Math.min(requestsPerSecond, itemsPerSecond);
		if (capacity(slowest, burst) < 1) {
			throw new IllegalArgumentException(
					PREFIX + ".burst must be long enough for one token at " + slowest + " per second ("
							+ Duration.ofNanos(Math.ceilDiv(1_000_000_000L, slowest)) + " or more), got " + burst);
		}
		if (idleTimeout.compareTo(burst) < 0) {
			throw new IllegalArgumentException(PREFIX + ".idle-timeout must be at least the burst (" + burst
					+ ", the time an empty bucket takes to refill), got " + idleTimeout);
		}
	}

	/**
	 * How many requests a client's bucket holds.
	 * @return the capacity
	 */
	long requestCapacity() {
		return capacity(this.requestsPerSecond, this.burst);
	}

	/**
	 * How many items a client's bucket holds.
	 * @return the capacity
	 */
	long itemCapacity() {
		return capacity(this.itemsPerSecond, this.burst);
	}

	/** A rate times the burst, rounded down. */
	private static long capacity(int perSecond, Duration burst) {
		BigDecimal nanos = BigDecimal.valueOf(burst.getSeconds())
			.multiply(NANOS_PER_SECOND)
			.add(BigDecimal.valueOf(burst.getNano()));
		BigDecimal tokens = nanos.multiply(BigDecimal.valueOf(perSecond))
			.divide(NANOS_PER_SECOND, 0, RoundingMode.FLOOR);
		return tokens.min(BigDecimal.valueOf(MAX_CAPACITY)).longValueExact();
	}

	private static void requireRate(String property, int perSecond) {
		if (perSecond < 1 || perSecond > MAX_RATE) {
			throw new IllegalArgumentException(
					PREFIX + "." + property + " must be between 1 and " + MAX_RATE + ", got " + perSecond);
		}
	}

}
