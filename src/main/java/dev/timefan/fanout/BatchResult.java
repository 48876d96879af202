package dev.timefan.fanout;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.timefan.time.TimeObject;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a batch: one item per zone asked, in order, duplicates included.
 *
 * @param strategy the strategy that ran it
 * @param source the source asked for
 * @param size how many zones were asked for
 * @param succeeded how many items have a time object
 * @param failed how many items failed
 * @param elapsedMs how long the fan-out took, in milliseconds
 * @param results the items, in the order asked
 */
@JsonPropertyOrder({ "strategy", "source", "size", "succeeded", "failed", "elapsed_ms", "results" })
@Schema(name = "BatchResult", description = "One item per zone asked, in order; a bad zone fails its own item")
public record BatchResult(@Schema(example = "threads") String strategy, @Schema(example = "local") Source source,
		int size, int succeeded, int failed, @JsonProperty("elapsed_ms") double elapsedMs, List<Item> results) {

	public BatchResult {
		results = List.copyOf(results);
	}

	/**
	 * One zone's result.
	 *
	 * @param zone the zone as asked
	 * @param status 200; 404 unknown zone; 502 upstream failed without fallback; 503 no
	 * worker process could be started; 504 missed the batch deadline; 500 the lookup
	 * failed unexpectedly (the error carries a correlation id)
	 * @param source where the time came from: local, upstream or fallback
	 * @param time the time object, when status is 200
	 * @param error why the item failed; for a fallback, why the upstream failed it
	 * @param suggestions the closest zone names, for an unknown zone (empty when nothing
	 * is close); null, and left out, for every other item
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonPropertyOrder({ "zone", "status", "source", "time", "error", "suggestions" })
	@Schema(name = "BatchItem")
	public record Item(@Schema(example = "asia/dhaka") String zone, @Schema(allowableValues = {
			"200", "404", "500", "502", "503", "504" }) int status, @Nullable Source source, @Nullable TimeObject time,
			@Schema(example = "unknown time zone 'Mars/Olympus'") @Nullable String error,
			@Nullable List<String> suggestions){

		public Item {
			suggestions = (suggestions != null) ? List.copyOf(suggestions) : null;
		}

	}

	static double millis(long nanos) {
		return Math.round(nanos / 10_000.0) / 100.0;
	}

}
