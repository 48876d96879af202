package dev.timefan.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Each client's rate limits ({@link RateLimitProperties}): a token bucket of requests,
 * taken by {@link RateLimitFilter} in front of the API, and one of items, taken by the
 * fan-out once it has validated a request ({@link #takeItems}). The buckets of the
 * clients seen lately live in a cache bounded by count and idle time. Disabled
 * ({@link #none()}), it holds nothing and every take returns at once.
 */
public final class ClientRateLimits {

	/**
	 * The most characters of a client's address that key its buckets: an IPv6 address
	 * with a zone fits; anything longer (a forwarded header that is not an address) is
	 * cut, so no key is larger than this.
	 */
	static final int MAX_CLIENT_LENGTH = 64;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private static final ClientRateLimits NONE = new ClientRateLimits(null);

	private final @Nullable Limiter limiter;

	private ClientRateLimits(@Nullable Limiter limiter) {
		this.limiter = limiter;
	}

	/**
	 * No limits: every take passes and nothing is tracked.
	 * @return the limits of a service that has none
	 */
	public static ClientRateLimits none() {
		return NONE;
	}

	/**
	 * The limits the properties ask for: none when they are disabled.
	 * @param properties the limits
	 * @param time the time the buckets refill by (and idle clients expire by)
	 * @param registry where the rejections and the clients tracked are counted
	 * @return the limits
	 */
	static ClientRateLimits of(RateLimitProperties properties, TimeMeter time, MeterRegistry registry) {
		if (!properties.enabled()) {
			return NONE;
		}
		ClientRateLimits limits = new ClientRateLimits(new Limiter(properties, time, registry));
		Gauge.builder("timefan.ratelimit.clients", limits, ClientRateLimits::clients)
			.description("Clients whose rate-limit buckets are kept")
			.baseUnit("clients")
			.register(registry);
		return limits;
	}

	/**
	 * Takes a request's items from its client's bucket: the zones of a batch (a
	 * comparison's once per strategy it runs), 1 for a single lookup. Call it once a
	 * request is valid, before any work starts.
	 * @param client the client's address
	 * @param items how many items the request asks for
	 * @throws ErrorResponseException 429 with {@code Retry-After} when the client is over
	 * its items limit
	 */
	public void takeItems(String client, long items) {
		Refusal refusal = tryTakeItems(client, items);
		if (refusal != null) {
			throw refusal.problem();
		}
	}

	/**
	 * Takes one request from its client's bucket.
	 * @param client the client's address
	 * @return why the request is refused, or null when it may go on
	 */
	@Nullable Refusal tryTakeRequest(String client) {
		return (this.limiter != null) ? this.limiter.take(Limit.REQUESTS, client, 1) : null;
	}

	/**
	 * Takes items from their client's bucket.
	 * @param client the client's address
	 * @param items how many
	 * @return why the request is refused, or null when it may go on
	 */
	@Nullable Refusal tryTakeItems(String client, long items) {
		return (this.limiter != null && items > 0) ? this.limiter.take(Limit.ITEMS, client, items) : null;
	}

	/**
	 * Whether clients are limited at all.
	 * @return false for {@link #none()}
	 */
	boolean enabled() {
		return this.limiter != null;
	}

	/**
	 * About how many clients have buckets kept.
	 * @return the estimate, 0 when disabled
	 */
	long clients() {
		return (this.limiter != null) ? this.limiter.clients.estimatedSize() : 0;
	}

	/**
	 * Forgets the clients past the bound or idle too long now rather than in the course
	 * of the next takes.
	 */
	void cleanUp() {
		if (this.limiter != null) {
			this.limiter.clients.cleanUp();
		}
	}

	/**
	 * What is limited, as the {@code limit} tag of {@code timefan.ratelimit.rejections}
	 * names it, and what its tokens are called in a refusal.
	 */
	enum Limit {

		REQUESTS("requests", "requests"), ITEMS("items", "zones");

		private final String tag;

		private final String unit;

		Limit(String tag, String unit) {
			this.tag = tag;
			this.unit = unit;
		}

		String tag() {
			return this.tag;
		}

	}

	/**
	 * A request refused: which limit, how long until it would pass, and why, in the
	 * caller's terms.
	 *
	 * @param limit the limit the client went over
	 * @param retryAfterSeconds whole seconds until the bucket holds enough, at least 1
	 * @param detail the reason, with the rate and the wait
	 */
	record Refusal(Limit limit, long retryAfterSeconds, String detail) {

		/** The problem type of every refusal. */
		static final URI TYPE = URI.create("urn:timefan:problem:rate-limited");

		/**
		 * The refusal as a problem (RFC 9457) with {@code Retry-After}.
		 * @return the exception Spring MVC answers as {@code application/problem+json}
		 */
		ErrorResponseException problem() {
			ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, this.detail);
			body.setType(TYPE);
			body.setTitle(HttpStatus.TOO_MANY_REQUESTS.getReasonPhrase());
			ErrorResponseException problem = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS, body, null);
			problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
			return problem;
		}

	}

	/**
	 * The buckets of the clients seen lately, and the rules they follow.
	 */
	private static final class Limiter {

		private static final Log log = LogFactory.getLog(ClientRateLimits.class);

		private final Map<Limit, Rule> rules = new EnumMap<>(Limit.class);

		private final TimeMeter time;

		private final Cache<String, Buckets> clients;

		Limiter(RateLimitProperties properties, TimeMeter time, MeterRegistry registry) {
			this.time = time;
			this.rules.put(Limit.REQUESTS,
					new Rule(Limit.REQUESTS, properties.requestsPerSecond(), properties.requestCapacity(), registry));
			this.rules.put(Limit.ITEMS,
					new Rule(Limit.ITEMS, properties.itemsPerSecond(), properties.itemCapacity(), registry));
			// Evictions run on the thread of the take that causes them: no pool is
			// involved, and a test sees the bound as soon as it calls cleanUp.
			this.clients = Caffeine.newBuilder()
				.maximumSize(properties.maxClients())
				.expireAfterAccess(properties.idleTimeout())
				.ticker(time::currentTimeNanos)
				.executor(Runnable::run)
				.build();
		}

		/**
		 * Takes tokens from a client's bucket. A take larger than the bucket holds passes
		 * when the bucket is full and leaves the bucket in debt by the rest, which later
		 * takes wait for.
		 */
		@Nullable Refusal take(Limit limit, String client, long tokens) {
			Rule rule = this.rules.get(limit);
			Buckets buckets = this.clients.get(key(client),
					(key) -> new Buckets(bucket(Limit.REQUESTS), bucket(Limit.ITEMS)));
			Bucket bucket = (limit == Limit.REQUESTS) ? buckets.requests() : buckets.items();
			ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(Math.min(tokens, rule.capacity()));
			if (probe.isConsumed()) {
				if (tokens > rule.capacity()) {
					bucket.consumeIgnoringRateLimits(tokens - rule.capacity());
				}
				return null;
			}
			rule.rejections().increment();
			long seconds = Math.max(1, Math.ceilDiv(probe.getNanosToWaitForRefill(), NANOS_PER_SECOND));
			if (log.isDebugEnabled()) {
				log.debug("Client " + key(client) + " is over its " + limit.tag() + " limit of " + rule.perSecond()
						+ " per second; retry after " + seconds + " s");
			}
			return new Refusal(limit, seconds, "more than " + rule.perSecond() + " " + limit.unit
					+ " per second from this client; retry after " + seconds + " s");
		}

		private Bucket bucket(Limit limit) {
			return Bucket.builder()
				.addLimit(this.rules.get(limit).bandwidth())
				.withCustomTimePrecision(this.time)
				.build();
		}

		private static String key(String client) {
			return (client.length() > MAX_CLIENT_LENGTH) ? client.substring(0, MAX_CLIENT_LENGTH) : client;
		}

	}

	/**
	 * One limit as every client's bucket of it follows it, and the count of its refusals.
	 *
	 * @param perSecond the rate the bucket refills at
	 * @param capacity the most the bucket holds
	 * @param bandwidth the two as Bucket4j's, shared by every client's bucket
	 * @param rejections {@code timefan.ratelimit.rejections} of this limit
	 */
	private record Rule(int perSecond, long capacity, Bandwidth bandwidth, Counter rejections) {

		Rule(Limit limit, int perSecond, long capacity, MeterRegistry registry) {
			this(perSecond, capacity,
					Bandwidth.builder().capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1)).build(),
					Counter.builder("timefan.ratelimit.rejections")
						.description("Requests refused with 429 because their client went over a rate limit")
						.baseUnit("requests")
						.tag("limit", limit.tag())
						.register(registry));
		}

	}

	/** One client's buckets. */
	private record Buckets(Bucket requests, Bucket items) {

	}

}
