package dev.timefan.fanout;

import java.time.Duration;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FanoutMetrics}.
 */
class FanoutMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final FanoutMetrics metrics = new FanoutMetrics(this.registry);

	@Test
	void lookupBucketsRunFromAQuarterMicrosecondToTwentyFiveSecondsThreePerDecade() {
		assertThat(FanoutMetrics.LOOKUP_BUCKETS).hasSize(25)
			.startsWith(Duration.ofNanos(250), Duration.ofNanos(500), Duration.ofNanos(1000), Duration.ofNanos(2500))
			.endsWith(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(25))
			.isSorted();
	}

	@Test
	void batchBucketsRunFromTenMicrosecondsToTwentyFiveSeconds() {
		assertThat(FanoutMetrics.BATCH_BUCKETS).hasSize(20)
			.startsWith(Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000))
			.endsWith(Duration.ofSeconds(10), Duration.ofSeconds(25))
			.isSorted();
	}

	@Test
	void aSubMicrosecondLookupAndATensOfMicrosecondsBatchLandInTheirOwnPrometheusBuckets() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		FanoutMetrics metrics = new FanoutMetrics(prometheus);

		metrics.lookup("virtual", Source.LOCAL, 200, 700);
		metrics.batch("virtual", Source.LOCAL, 1, 1, 40_000);

		String lookup = "timefan_lookup_seconds_bucket{source=\"local\",status=\"200\",strategy=\"virtual\",le=";
		String batch = "timefan_batch_seconds_bucket{outcome=\"success\",source=\"local\",strategy=\"virtual\",le=";
		assertThat(prometheus.scrape()).contains(lookup + "\"5.0E-7\"} 0", lookup + "\"1.0E-6\"} 1",
				lookup + "\"25.0\"} 1", lookup + "\"+Inf\"} 1", batch + "\"2.5E-5\"} 0", batch + "\"5.0E-5\"} 1",
				batch + "\"+Inf\"} 1");
		assertThat(prometheus.scrape().lines().filter((line) -> line.startsWith(lookup))).hasSize(26);
		assertThat(prometheus.scrape().lines().filter((line) -> line.startsWith(batch))).hasSize(21);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			LOCAL,    200
			LOCAL,    404
			UPSTREAM, 502
			UPSTREAM, 504
			FALLBACK, 200
			LOCAL,    500
			UPSTREAM, 503
			LOCAL,    418
			""")
	void eachItemIsTimedUnderItsStrategySourceAndStatus(Source source, int status) {
		this.metrics.lookup("reactive", source, status, 1_000);
		this.metrics.lookup("reactive", source, status, 3_000);

		assertThat(this.registry.find("timefan.lookup").meters()).singleElement()
			.extracting(Meter::getId)
			.satisfies((id) -> {
				assertThat(id.getTags()).extracting((tag) -> tag.getKey() + "=" + tag.getValue())
					.containsExactly("source=" + source.wireName(), "status=" + status, "strategy=reactive");
				assertThat(id.getDescription()).isEqualTo("Time for one zone of a batch, from dispatch to outcome");
			});
		assertThat(this.registry.get("timefan.lookup").timer().count()).isEqualTo(2);
	}

	@Test
	void onlyFallbacksAreCountedAsFallbacksPerStrategy() {
		this.metrics.lookup("threads", Source.FALLBACK, 200, 1_000);
		this.metrics.lookup("threads", Source.UPSTREAM, 200, 1_000);
		this.metrics.lookup("virtual", Source.FALLBACK, 200, 1_000);
		this.metrics.lookup("virtual", Source.FALLBACK, 200, 1_000);

		assertThat(this.registry.get("timefan.upstream.fallbacks").tags("strategy", "threads").counter().count())
			.isOne();
		assertThat(this.registry.get("timefan.upstream.fallbacks").tags("strategy", "virtual").counter().count())
			.isEqualTo(2);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			3, 3, success
			3, 1, partial
			3, 0, failure
			""")
	void aBatchIsTimedByOutcomeAndItsSizeSummarised(int size, int succeeded, String outcome) {
		this.metrics.batch("processes", Source.UPSTREAM, size, succeeded, 2_000_000);

		assertThat(this.registry.get("timefan.batch")
			.tags("strategy", "processes", "source", "upstream", "outcome", outcome)
			.timer()
			.count()).isOne();
		assertThat(this.registry.find("timefan.batch").meters()).hasSize(1);
		assertThat(this.registry.get("timefan.batch.size").tags("strategy", "processes").summary().totalAmount())
			.isEqualTo(size);
	}

	@Test
	void twoInstancesOnOneRegistryRecordIntoTheSameMeters() {
		new FanoutMetrics(this.registry).lookup("threads", Source.LOCAL, 200, 1_000);
		this.metrics.lookup("threads", Source.LOCAL, 200, 1_000);

		assertThat(this.registry.get("timefan.lookup").timer().count()).isEqualTo(2);
	}

}
