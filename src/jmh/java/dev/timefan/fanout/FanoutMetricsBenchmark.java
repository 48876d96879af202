package dev.timefan.fanout;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-item and per-batch meters alone: {@link FanoutMetrics#lookup} and
 * {@link FanoutMetrics#batch} for a local item and a batch of one, their meters already
 * registered. {@code -prof gc} shows what each call allocates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FanoutMetricsBenchmark {

	private static final String STRATEGY = "threads";

	private static final long ITEM_NANOS = 700;

	private static final long BATCH_NANOS = 25_000;

	@Param({ "prometheus" })
	public String registry;

	private FanoutMetrics metrics;

	@Setup(Level.Trial)
	public void setUp() {
		MeterRegistry meters = switch (this.registry) {
			case "prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			case "simple" -> new SimpleMeterRegistry();
			default -> throw new IllegalArgumentException(
					"unknown registry '" + this.registry + "': expected prometheus or simple");
		};
		this.metrics = new FanoutMetrics(meters);
		lookup();
		batch();
	}

	/** One answered local item, as {@code FanoutService} records every item. */
	@Benchmark
	public void lookup() {
		this.metrics.lookup(STRATEGY, Source.LOCAL, 200, ITEM_NANOS);
	}

	/** One successful local batch of one: its timer and its size. */
	@Benchmark
	public void batch() {
		this.metrics.batch(STRATEGY, Source.LOCAL, 1, 1, BATCH_NANOS);
	}

}
