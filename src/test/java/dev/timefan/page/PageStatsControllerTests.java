package dev.timefan.page;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.fanout.FanoutProperties;
import dev.timefan.time.TzRelease;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /page/stats} reads the tz release, the cores, the batch limit and the workers'
 * meters as they are when asked.
 */
@WebMvcTest(controllers = PageStatsController.class, properties = "timefan.batch.max-size=250")
@Import(PageStatsControllerTests.Beans.class)
class PageStatsControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private ZoneCatalog catalog;

	@Test
	void statsNameTheReleaseTheCoresTheLimitAndTheWorkers() {
		assertThat(this.mvc.get().uri("/page/stats")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.bodyJson()
			.isStrictlyEqualTo("""
					{"tzdb": "2099z", "cores": %d, "batch_max_size": 250, "zones": %d,
					 "workers": {"alive": 3, "busy": 1, "restarts": 3}}
					""".formatted(Runtime.getRuntime().availableProcessors(), this.catalog.size()));
	}

	@Test
	void workersAreReadWhenAsked() {
		MeterRegistry registry = new SimpleMeterRegistry();
		AtomicInteger alive = new AtomicInteger(2);
		Gauge.builder("timefan.workers.alive", alive, AtomicInteger::get).register(registry);
		Counter crashes = Counter.builder("timefan.worker.restarts").tag("cause", "crash").register(registry);
		PageStatsController controller = controller(registry);
		assertThat(controller.stats().workers()).isEqualTo(new PageStats.Workers(2, 0, 0));
		alive.set(1);
		crashes.increment();
		assertThat(controller.stats().workers()).isEqualTo(new PageStats.Workers(1, 0, 1));
	}

	@Test
	void withoutWorkerMetersEveryFigureIsZero() {
		PageStats stats = controller(new SimpleMeterRegistry()).stats();
		assertThat(stats.batchMaxSize()).isEqualTo(7);
		assertThat(stats.workers()).isEqualTo(new PageStats.Workers(0, 0, 0));
	}

	private PageStatsController controller(MeterRegistry registry) {
		return new PageStatsController(
				new TzRelease("2099z", "2099zgtz", "joda-time 9"), this.catalog, new FanoutProperties("threads",
						"local", new FanoutProperties.Batch(7, Duration.ofSeconds(10), DataSize.ofKilobytes(256))),
				registry);
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(FanoutProperties.class)
	static class Beans {

		@Bean
		TzRelease tzRelease() {
			return new TzRelease("2099z", "2099zgtz", "joda-time 9");
		}

		@Bean
		ZoneCatalog zoneCatalog() {
			return ZoneCatalog.load();
		}

		/** The workers' meters as the pool registers them, with fixed readings. */
		@Bean
		MeterRegistry meterRegistry() {
			MeterRegistry registry = new SimpleMeterRegistry();
			Gauge.builder("timefan.workers.alive", () -> 3).register(registry);
			Gauge.builder("timefan.workers.busy", () -> 1).register(registry);
			Counter.builder("timefan.worker.restarts").tag("cause", "crash").register(registry).increment(2);
			Counter.builder("timefan.worker.restarts").tag("cause", "recycle").register(registry).increment();
			Counter.builder("timefan.worker.restarts").tag("cause", "timeout").register(registry);
			return registry;
		}

	}

}
