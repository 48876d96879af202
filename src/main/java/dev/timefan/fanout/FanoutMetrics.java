package dev.timefan.fanout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The meters every strategy shares: {@code timefan.batch}, {@code timefan.batch.size},
 * {@code timefan.lookup}, {@code timefan.inflight}, {@code timefan.shed}, and
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

	private final Map<Key, Counter> shed = new ConcurrentHashMap<>();

	/** Strong references to what the inflight gauges read. */
	private final Map<String, Admission> admissions = new ConcurrentHashMap<>();

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
		return this.shed
			.computeIfAbsent(new Key("timefan.shed", strategy, "", limit.tag()), (key) -> Counter.builder(key.name())
				.description("Requests shed whole, with 503 and Retry-After, because their strategy was at capacity")
				.baseUnit("requests")
				.tags("strategy", key.strategy(), "limit", key.detail())
				.register(this.registry));
	}

	private record Key(String name, String strategy, String source, String detail) {
	}

}
