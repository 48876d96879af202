package dev.timefan.fanout;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.timefan.threads.ThreadsBenchEngine;
import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import dev.timefan.virtual.VirtualBenchEngine;
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
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * A 1,000-zone local batch through {@link FanoutService#batch} with a real engine, so the
 * shared cost (resolving names, deadline, assembly, meters) is included. Target: under 5
 * ms per strategy. The names cycle through the catalog in its sorted order, since it
 * holds fewer than 1,000. {@code registry} picks the meter registry the service records
 * into: {@code prometheus} is what the application runs with (percentile histograms on
 * every timer), {@code simple} shows what the meters cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchBenchmark {

	static final int BATCH_SIZE = 1000;

	private static final String CLIENT_IP = "127.0.0.1";

	private static final String SINGLE_ZONE = "Asia/Kolkata";

	@Param({ "threads", "virtual" })
	public String strategy;

	@Param({ "prometheus" })
	public String registry;

	private FanoutService service;

	private FanoutEngine engine;

	private List<String> names;

	@Setup(Level.Trial)
	public void setUp() {
		MeterRegistry meters = switch (this.registry) {
			case "prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			case "simple" -> new SimpleMeterRegistry();
			default -> throw new IllegalArgumentException(
					"unknown registry '" + this.registry + "': expected prometheus or simple");
		};
		ZoneCatalog catalog = ZoneCatalog.load();
		FanoutProperties properties = Binder.get(new StandardEnvironment())
			.bindOrCreate("timefan", FanoutProperties.class);
		this.engine = switch (this.strategy) {
			case "threads" -> ThreadsBenchEngine.create(meters);
			case "virtual" -> VirtualBenchEngine.create();
			default -> throw new IllegalArgumentException(
					"unknown strategy '" + this.strategy + "': expected threads or virtual");
		};
		this.service = new FanoutService(catalog, new WorldClock(Clock.systemUTC()), properties,
				new FanoutMetrics(meters), List.of(), new FanoutEngines(List.of(this.engine)));
		this.names = cycle(catalog.names(), BATCH_SIZE);
		BatchResult check = this.service.batch(this.engine, this.names, null, CLIENT_IP);
		if (check.succeeded() != BATCH_SIZE) {
			throw new IllegalStateException("expected " + BATCH_SIZE + " answered zones, got " + check.succeeded()
					+ " through " + this.strategy);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		if (this.engine instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

	/**
	 * A batch of 1,000 catalog zones.
	 * @return the batch result
	 */
	@Benchmark
	public BatchResult thousandZones() {
		return this.service.batch(this.engine, this.names, null, CLIENT_IP);
	}

	/**
	 * One zone through the same engine, as {@code /{strategy}/time/Asia/Kolkata} does
	 * without HTTP and JSON.
	 * @return the single answer
	 */
	@Benchmark
	public FanoutService.Single oneZone() {
		return this.service.single(this.engine, SINGLE_ZONE, null, CLIENT_IP);
	}

	static List<String> cycle(List<String> catalog, int size) {
		List<String> names = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			names.add(catalog.get(i % catalog.size()));
		}
		return List.copyOf(names);
	}

}
