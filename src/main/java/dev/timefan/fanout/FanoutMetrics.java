package dev.timefan.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The meters every strategy shares: {@code timefan.batch}, {@code timefan.batch.size},
 * {@code timefan.lookup}, {@code timefan.inflight}, {@code timefan.shed}, and
 * {@code timefan.upstream.fallbacks} (counted from the outcomes, so worker processes'
 * fallbacks count too). Tags are bounded: strategy, source, outcome, status; never a
 * zone.
 * <p>
 * The two timers publish histograms of their own buckets, 1, 2.5 and 5 per decade
 * ({@link #LOOKUP_BUCKETS}, {@link #BATCH_BUCKETS}), instead of Micrometer's percentile
 * histogram, whose 69 buckets start at 1 ms: a local lookup takes under 1 µs and a local
 * batch of 1,000 a few ms, so every local sample fell in its first bucket. Three per
 * decade keep {@code histogram_quantile} within a factor of 2.5 of the truth at about a
 * third of the series: a lookup series has 26 buckets with +Inf, a batch series 21,
 * against 69 before. At most 4 strategies × 3 sources × 6 statuses lookup series and 4 ×
 * 2 × 3 batch series; in practice a dozen of each.
 * <p>
 * A lookup is recorded per item, so its meters are held per strategy in arrays indexed by
 * source and status, found without allocating; Micrometer's {@link MeterProvider}s
 * register each on first use.
 */
@Component
class FanoutMetrics {

	/**
	 * {@code timefan.lookup}'s buckets, 250 ns to 25 s: a local lookup (0.3 to 1 µs warm)
	 * to an upstream item at the default batch deadline (10 s) and beyond.
	 */
	static final Duration[] LOOKUP_BUCKETS = decades(Duration.ofNanos(250), Duration.ofSeconds(25));

	/**
	 * {@code timefan.batch}'s buckets, 10 µs to 25 s: a local batch of one (tens of µs)
	 * to an upstream batch at its deadline.
	 */
	static final Duration[] BATCH_BUCKETS = decades(Duration.ofNanos(10_000), Duration.ofSeconds(25));

	/** The statuses an item ends with ({@link Outcome}); others are recorded uncached. */
	private static final int[] STATUSES = { 200, 404, 500, 502, 503, 504 };

	private static final String[] STATUS_TAGS = { "200", "404", "500", "502", "503", "504" };

	private static final String[] OUTCOMES = { "success", "partial", "failure" };

	private static final int SOURCES = Source.values().length;

	private final MeterRegistry registry;

	private final MeterProvider<Timer> lookups;

	private final MeterProvider<Timer> batches;

	private final MeterProvider<DistributionSummary> sizes;

	private final MeterProvider<Counter> fallbacks;

	private final MeterProvider<Counter> shed;

	private final Map<String, StrategyMeters> strategies = new ConcurrentHashMap<>();

	/** Strong references to what the inflight gauges read. */
	private final Map<String, Admission> admissions = new ConcurrentHashMap<>();

	FanoutMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.lookups = Timer.builder("timefan.lookup")
			.description("Time for one zone of a batch, from dispatch to outcome")
			.serviceLevelObjectives(LOOKUP_BUCKETS)
			.withRegistry(registry);
		this.batches = Timer.builder("timefan.batch")
			.description("Time to fan one batch out and collect every item")
			.serviceLevelObjectives(BATCH_BUCKETS)
			.withRegistry(registry);
		this.sizes = DistributionSummary.builder("timefan.batch.size")
			.description("Zones asked for per batch")
			.baseUnit("zones")
			.withRegistry(registry);
		this.fallbacks = Counter.builder("timefan.upstream.fallbacks")
			.description("Items the upstream failed that the local tz database answered")
			.baseUnit("zones")
			.withRegistry(registry);
		this.shed = Counter.builder("timefan.shed")
			.description("Requests shed whole, with 503 and Retry-After, because their strategy was at capacity")
			.baseUnit("requests")
			.withRegistry(registry);
	}

	void batch(String strategy, Source source, int size, int succeeded, long nanos) {
		int outcome = (succeeded == size) ? 0 : (succeeded == 0) ? 2 : 1;
		StrategyMeters meters = meters(strategy);
		meters.batch(source, outcome).record(nanos, TimeUnit.NANOSECONDS);
		meters.size().record(size);
	}

	void lookup(String strategy, Source source, int status, long nanos) {
		StrategyMeters meters = meters(strategy);
		if (source == Source.FALLBACK) {
			meters.fallbacks().increment();
		}
		meters.lookup(source, status).record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Registers a strategy's {@code timefan.inflight} gauge, which reads its admission,
	 * and its {@code timefan.shed} counters at zero, so that a rate over them works from
	 * the start.
	 */
	void admission(Admission admission) {
		this.admissions.put(admission.strategy(), admission);
		Gauge.builder("timefan.inflight", admission, Admission::inflight)
			.description("Zones being fanned out right now")
			.baseUnit("zones")
			.tag("strategy", admission.strategy())
			.register(this.registry);
		for (Shed.Limit limit : Shed.Limit.values()) {
			shedCounter(admission.strategy(), limit);
		}
	}

	void shed(Shed shed) {
		shedCounter(shed.strategy(), shed.limit()).increment();
	}

	private Counter shedCounter(String strategy, Shed.Limit limit) {
		return this.shed.withTags("strategy", strategy, "limit", limit.tag());
	}

	private StrategyMeters meters(String strategy) {
		StrategyMeters meters = this.strategies.get(strategy);
		return (meters != null) ? meters : this.strategies.computeIfAbsent(strategy, StrategyMeters::new);
	}

	private static int statusIndex(int status) {
		for (int i = 0; i < STATUSES.length; i++) {
			if (STATUSES[i] == status) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * 1, 2.5 and 5 times each power of ten from {@code from} to {@code to}, both included
	 * when they are among them.
	 */
	static Duration[] decades(Duration from, Duration to) {
		List<Duration> buckets = new ArrayList<>();
		for (long decade = 10; decade <= to.toNanos(); decade *= 10) {
			for (long nanos : new long[] { decade, decade * 5 / 2, decade * 5 }) {
				if (nanos >= from.toNanos() && nanos <= to.toNanos()) {
					buckets.add(Duration.ofNanos(nanos));
				}
			}
		}
		return buckets.toArray(Duration[]::new);
	}

	/**
	 * One strategy's meters, each registered on first use (a series appears once it has a
	 * sample, as before); a race registers the same meter twice, which the registry
	 * answers with the one it holds.
	 */
	private final class StrategyMeters {

		private final String strategy;

		/** By {@code source.ordinal() * STATUSES.length + statusIndex(status)}. */
		private final AtomicReferenceArray<Timer> lookupTimers = new AtomicReferenceArray<>(SOURCES * STATUSES.length);

		/** By {@code source.ordinal() * OUTCOMES.length + outcome}. */
		private final AtomicReferenceArray<Timer> batchTimers = new AtomicReferenceArray<>(SOURCES * OUTCOMES.length);

		private volatile @Nullable DistributionSummary size;

		private volatile @Nullable Counter fallbackCounter;

		StrategyMeters(String strategy) {
			this.strategy = strategy;
		}

		Timer lookup(Source source, int status) {
			int index = statusIndex(status);
			if (index < 0) {
				return FanoutMetrics.this.lookups.withTags("strategy", this.strategy, "source", source.wireName(),
						"status", Integer.toString(status));
			}
			int slot = source.ordinal() * STATUSES.length + index;
			Timer timer = this.lookupTimers.get(slot);
			if (timer == null) {
				timer = FanoutMetrics.this.lookups.withTags("strategy", this.strategy, "source", source.wireName(),
						"status", STATUS_TAGS[index]);
				this.lookupTimers.set(slot, timer);
			}
			return timer;
		}

		Timer batch(Source source, int outcome) {
			int slot = source.ordinal() * OUTCOMES.length + outcome;
			Timer timer = this.batchTimers.get(slot);
			if (timer == null) {
				timer = FanoutMetrics.this.batches.withTags("strategy", this.strategy, "source", source.wireName(),
						"outcome", OUTCOMES[outcome]);
				this.batchTimers.set(slot, timer);
			}
			return timer;
		}

		DistributionSummary size() {
			DistributionSummary summary = this.size;
			if (summary == null) {
				summary = FanoutMetrics.this.sizes.withTag("strategy", this.strategy);
				this.size = summary;
			}
			return summary;
		}

		Counter fallbacks() {
			Counter counter = this.fallbackCounter;
			if (counter == null) {
				counter = FanoutMetrics.this.fallbacks.withTag("strategy", this.strategy);
				this.fallbackCounter = counter;
			}
			return counter;
		}

	}

}
