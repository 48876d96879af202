package dev.timefan.page;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What the comparison page shows beside its charts, read when asked.
 *
 * @param tzdb the tz database release that answers
 * @param cores the processors this JVM may use
 * @param batchMaxSize the most zones one request may ask for
 * @param zones the zone names the catalog knows, aliases included
 * @param workers the worker processes of the {@code processes} strategy
 */
@JsonPropertyOrder({ "tzdb", "cores", "batch_max_size", "zones", "workers" })
@Schema(name = "PageStats", description = "The live figures of the comparison page")
record PageStats(@Schema(example = "2026f") String tzdb, @Schema(example = "2") int cores,
		@JsonProperty("batch_max_size") @Schema(example = "1000") int batchMaxSize, @Schema(example = "597") int zones,
		Workers workers) {

	/**
	 * The worker processes now.
	 *
	 * @param alive workers ready to take work
	 * @param busy workers with requests in flight
	 * @param restarts workers replaced since start-up, whatever the cause (crash,
	 * recycle, timeout)
	 */
	@Schema(name = "PageWorkers")
	record Workers(@Schema(example = "2") int alive, @Schema(example = "0") int busy,
			@Schema(example = "0") long restarts) {

	}

}
