package dev.timefan.fanout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The meters every strategy shares: {@code timefan.batch}, {@code timefan.batch.size},
 * {@code timefan.lookup}, {@code timefan.inflight}, and
 * {@code timefan.upstream.fallbacks} (counted from the outcomes, so worker processes'
 * fallbacks count too). Tags are bounded: strategy, source, outcome, status; never a
 * zone.
 */
@Component
class FanoutMetrics {

	private final MeterRegistry registry;

	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, DistributionSummary> sizes = new ConcurrentHashMap<>();

	private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

	/** Strong references to what the inflight gauges read. */
	private final Map<String, AtomicInteger> inflight = new ConcurrentHashMap<>();

	FanoutMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void batch(String strategy, Source source, int size, int succeeded, long nanos) {
		String outcome = (succeeded == size) ? "success" : (succeeded == 0) ? "failure" : "partial";
		this.timers
			.computeIfAbsent(new Key("timefan.batch", strategy, source.wireName(), outcome),
					(key) -> Timer.builder(key.name())
						.description("Time to fan one batch out and collect every item")
						.tags("strategy", strategy, "source", key.source(), "outcome", outcome)
						.publishPercentileHistogram()
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
		this.sizes
			.computeIfAbsent(strategy,
					(name) -> DistributionSummary.builder("timefan.batch.size")
						.description("Zones asked for per batch")
						.baseUnit("zones")
						.tags("strategy", name)
						.register(this.registry))
			.record(size);
	}

	void lookup(String strategy, Source source, int status, long nanos) {
		if (source == Source.FALLBACK) {
			this.fallbacks
				.computeIfAbsent(strategy,
						(name) -> Counter.builder("timefan.upstream.fallbacks")
							.description("Items the upstream failed that the local tz database answered")
							.baseUnit("zones")
							.tag("strategy", name)
							.register(this.registry))
				.increment();
		}
		this.timers
			.computeIfAbsent(new Key("timefan.lookup", strategy, source.wireName(), Integer.toString(status)),
					(key) -> Timer.builder(key.name())
						.description("Time for one zone of a batch, from dispatch to outcome")
						.tags("strategy", strategy, "source", key.source(), "status", key.detail())
						.publishPercentileHistogram()
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	AtomicInteger inflight(String strategy) {
		return this.inflight.computeIfAbsent(strategy, (name) -> {
			AtomicInteger zones = new AtomicInteger();
			Gauge.builder("timefan.inflight", zones, AtomicInteger::get)
				.description("Zones being fanned out right now")
				.baseUnit("zones")
				.tag("strategy", name)
				.register(this.registry);
			return zones;
		});
	}

	private record Key(String name, String strategy, String source, String detail) {
	}

}
