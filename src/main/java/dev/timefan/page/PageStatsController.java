package dev.timefan.page;

import dev.timefan.fanout.FanoutProperties;
import dev.timefan.time.TzRelease;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /page/stats}: the tz release, the cores, the batch limit and the worker
 * processes, for the comparison page. The workers are read off their meters
 * ({@code timefan.workers.alive}, {@code timefan.workers.busy},
 * {@code timefan.worker.restarts}), as Prometheus sees them.
 */
@RestController
@RequestMapping("/page")
@Tag(name = "page", description = "The comparison page's live figures")
class PageStatsController {

	private final TzRelease release;

	private final ZoneCatalog catalog;

	private final int batchMaxSize;

	private final MeterRegistry registry;

	PageStatsController(TzRelease release, ZoneCatalog catalog, FanoutProperties fanout, MeterRegistry registry) {
		this.release = release;
		this.catalog = catalog;
		this.batchMaxSize = fanout.batch().maxSize();
		this.registry = registry;
	}

	@Operation(summary = "The tz release, the cores, the batch limit and the worker processes, now")
	@ApiResponse(responseCode = "200", description = "The figures",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PageStats.class)))
	@GetMapping(path = "/stats", produces = MediaType.APPLICATION_JSON_VALUE)
	PageStats stats() {
		return new PageStats(this.release.version(), Runtime.getRuntime().availableProcessors(), this.batchMaxSize,
				this.catalog.size(),
				new PageStats.Workers(gauge("timefan.workers.alive"), gauge("timefan.workers.busy"), restarts()));
	}

	private int gauge(String name) {
		Gauge gauge = this.registry.find(name).gauge();
		double value = (gauge != null) ? gauge.value() : 0;
		return Double.isFinite(value) ? (int) value : 0;
	}

	private long restarts() {
		return (long) this.registry.find("timefan.worker.restarts")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
