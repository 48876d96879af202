package dev.timefan.fanout;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One batch through every strategy in turn.
 *
 * @param size how many zones were asked for
 * @param source the source asked for
 * @param runs one run per strategy, in the order they ran
 * @param agree whether every strategy gave every item the same status, timezone and
 * utc_offset
 * @param fastest the strategy with the shortest run
 */
@Schema(name = "CompareResult")
public record CompareResult(int size, Source source, List<Run> runs, boolean agree,
		@Schema(example = "virtual") String fastest) {

	public CompareResult {
		runs = List.copyOf(runs);
	}

	/**
	 * One strategy's run.
	 *
	 * @param strategy the strategy
	 * @param elapsedMs how long its fan-out took, in milliseconds
	 * @param succeeded items with a time object
	 * @param failed items without one
	 * @param statuses how many items had each item status, keyed by the status in
	 * ascending order ({@code {"200": 98, "404": 2}})
	 */
	@Schema(name = "CompareRun")
	public record Run(String strategy, @com.fasterxml.jackson.annotation.JsonProperty("elapsed_ms") double elapsedMs,
			int succeeded, int failed, @Schema(description = "Items per item status, such as {\"200\": 98, \"404\": 2}",
					example = "{\"200\": 98, \"404\": 2}") Map<String, Integer> statuses) {

		public Run {
			statuses = Collections.unmodifiableSortedMap(new TreeMap<>(statuses));
		}

	}

}
