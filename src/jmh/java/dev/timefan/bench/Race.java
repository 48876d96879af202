package dev.timefan.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run of {@code scripts/bench-race}, read from its JSON lines: what it says about the
 * machine, a cell for each contender at each batch size in each phase, and the single
 * lookups over HTTP.
 *
 * @param about label and value pairs describing the run, in the order written
 * @param latencyMs the upstream's latency in the L phase
 * @param cells the race's cells, in the order they ran
 * @param lookups the single lookups, in the order they ran
 */
record Race(List<About> about, int latencyMs, List<Cell> cells, List<Lookup> lookups) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Reads the JSON lines of a run; blank lines are skipped, a record of an unknown type
	 * is ignored.
	 * @param lines the lines of {@code runs.jsonl}
	 * @return the run
	 */
	static Race read(List<String> lines) {
		List<About> about = new ArrayList<>();
		int latencyMs = 0;
		Map<String, CellBuilder> cells = new LinkedHashMap<>();
		List<Lookup> lookups = new ArrayList<>();
		for (String line : lines) {
			if (line.isBlank()) {
				continue;
			}
			JsonNode record = JSON.readTree(line);
			String type = record.path("type").asString("");
			switch (type) {
				case "meta", "end" -> {
					for (JsonNode pair : record.path("about")) {
						about.add(new About(pair.path("label").asString(), pair.path("value").asString()));
					}
					latencyMs = record.path("latency_ms").asInt(latencyMs);
				}
				case "batch", "latency", "throughput", "error" -> {
					CellBuilder cell = cells.computeIfAbsent(
							record.path("phase").asString() + " " + record.path("contender").asString() + " "
									+ record.path("zones").asInt(),
							(key) -> new CellBuilder(record.path("phase").asString(),
									record.path("contender").asString(), record.path("zones").asInt()));
					cell.add(type, record);
				}
				case "lookup" -> lookups.add(Lookup.of(record));
				default -> {
				}
			}
		}
		return new Race(List.copyOf(about), latencyMs, cells.values().stream().map(CellBuilder::build).toList(),
				List.copyOf(lookups));
	}

	/**
	 * The phases measured, in the order they ran.
	 * @return phase names, {@code L} and {@code T0}
	 */
	List<String> phases() {
		return this.cells.stream().map(Cell::phase).distinct().toList();
	}

	/**
	 * The contenders measured, in the order they first ran.
	 * @return contender names
	 */
	List<String> contenders() {
		return this.cells.stream().map(Cell::contender).distinct().toList();
	}

	/**
	 * The batch sizes measured, smallest first.
	 * @return sizes in zones
	 */
	List<Integer> sizes() {
		return this.cells.stream().map(Cell::zones).distinct().sorted().toList();
	}

	/**
	 * The cell of a contender at a size in a phase, if it ran.
	 * @param phase the phase
	 * @param contender the contender
	 * @param zones the batch size
	 * @return the cell or {@code null}
	 */
	@Nullable Cell cell(String phase, String contender, int zones) {
		return this.cells.stream()
			.filter((cell) -> cell.phase().equals(phase) && cell.contender().equals(contender) && cell.zones() == zones)
			.findFirst()
			.orElse(null);
	}

	/**
	 * A line describing the run, as the script wrote it.
	 *
	 * @param label what it is
	 * @param value its value
	 */
	record About(String label, String value) {
	}

	/**
	 * One contender at one batch size in one phase.
	 *
	 * @param phase {@code L} (the upstream at its latency) or {@code T0} (at 0 ms)
	 * @param contender a timefan strategy or a peer
	 * @param zones the batch size
	 * @param timedMs the timed batches' times, one after the other, in ms
	 * @param timedItems the items the timed batches asked for
	 * @param timedNotOk the timed batches' items that failed or did not come from the
	 * upstream
	 * @param latency the window of the timed batches, if reported
	 * @param throughput the window of concurrent clients, if reported
	 * @param error why the cell has no figures, if it failed
	 */
	record Cell(String phase, String contender, int zones, List<Double> timedMs, long timedItems, long timedNotOk,
			@Nullable Window latency, @Nullable Window throughput, @Nullable String error) {

		/**
		 * The median batch time.
		 * @return ms, or {@code null} without timed batches
		 */
		@Nullable Double p50() {
			return percentile(this.timedMs, 0.5);
		}

		/**
		 * The 99th percentile batch time (the nearest rank, so the slowest batch of fewer
		 * than 100).
		 * @return ms, or {@code null} without timed batches
		 */
		@Nullable Double p99() {
			return percentile(this.timedMs, 0.99);
		}

		/**
		 * The items, timed and in the throughput window, that failed or did not come from
		 * the upstream.
		 * @return a count
		 */
		long notOk() {
			return this.timedNotOk
					+ ((this.throughput != null) ? this.throughput.failed() + this.throughput.notUpstream() : 0);
		}

		/**
		 * The peak resident memory of either window.
		 * @return MiB, or {@code null} if neither reported it
		 */
		@Nullable Double rssMib() {
			Double latencyRss = (this.latency != null) ? this.latency.rssMib() : null;
			Double throughputRss = (this.throughput != null) ? this.throughput.rssMib() : null;
			if (latencyRss == null || throughputRss == null) {
				return (latencyRss != null) ? latencyRss : throughputRss;
			}
			return Math.max(latencyRss, throughputRss);
		}

	}

	/**
	 * A measured window: the timed batches one after the other, or the throughput
	 * window's concurrent clients.
	 *
	 * @param clients the clients running batches at once (1 for the timed batches)
	 * @param wallS the window's length, in seconds
	 * @param batches the batches that ran in it
	 * @param items the items those batches asked for
	 * @param ok the items answered from the upstream with a time object
	 * @param failed the items that failed
	 * @param notUpstream the timefan items answered 200 but not from the upstream
	 * @param cpuS the contender's CPU time (user + system) over the window, in seconds
	 * @param rssMib the contender's peak resident memory over the window, in MiB
	 */
	record Window(int clients, double wallS, long batches, long items, long ok, long failed, long notUpstream,
			@Nullable Double cpuS, @Nullable Double rssMib) {

		/**
		 * Batches completed per second.
		 * @return a rate
		 */
		double batchesPerSecond() {
			return this.batches / this.wallS;
		}

		/**
		 * Items answered ok per second.
		 * @return a rate
		 */
		double zonesPerSecond() {
			return this.ok / this.wallS;
		}

		/**
		 * CPU time per item asked for.
		 * @return µs, or {@code null} without a CPU time or items
		 */
		@Nullable Double cpuMicrosPerZone() {
			return (this.cpuS == null || this.items == 0) ? null : this.cpuS * 1_000_000 / this.items;
		}

	}

	/**
	 * One URL under {@code wrk}: single lookups over HTTP.
	 *
	 * @param label a short name
	 * @param path the URL's path
	 * @param answersPerSecond wrk's requests/s: every answer, whatever its status
	 * @param okPerSecond the 2xx answers per second, if known
	 * @param p50Ms the median latency
	 * @param p99Ms the 99th percentile latency
	 * @param non2xx answers other than 2xx or 3xx
	 * @param socketErrors connect, read, write and timeout errors
	 * @param skipped why it was not measured, if it was not
	 */
	record Lookup(String label, String path, @Nullable Double answersPerSecond, @Nullable Double okPerSecond,
			@Nullable Double p50Ms, @Nullable Double p99Ms, long non2xx, long socketErrors, @Nullable String skipped) {

		static Lookup of(JsonNode record) {
			return new Lookup(record.path("label").asString(), record.path("path").asString(), number(record, "rps"),
					number(record, "ok_rps"), number(record, "p50_ms"), number(record, "p99_ms"),
					record.path("non_2xx").asLong(0), record.path("socket_errors").asLong(0),
					record.hasNonNull("skipped") ? record.path("skipped").asString() : null);
		}

		/**
		 * The rate the tables and charts show: 2xx answers per second, or every answer's
		 * where the 2xx rate was not recorded.
		 * @return a rate, or {@code null} if not measured
		 */
		@Nullable Double requestsPerSecond() {
			return (this.okPerSecond != null) ? this.okPerSecond : this.answersPerSecond;
		}

	}

	/**
	 * The nearest-rank percentile: the smallest value that at least {@code fraction} of
	 * the values are not above.
	 * @param values the values, in any order
	 * @param fraction between 0 (excluded) and 1
	 * @return the percentile, or {@code null} without values
	 */
	static @Nullable Double percentile(List<Double> values, double fraction) {
		if (values.isEmpty()) {
			return null;
		}
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(sorted.size() * fraction);
		return sorted.get(Math.max(0, rank - 1));
	}

	private static @Nullable Double number(JsonNode record, String key) {
		return record.path(key).isNumber() ? record.path(key).asDouble() : null;
	}

	private static final class CellBuilder {

		private final String phase;

		private final String contender;

		private final int zones;

		private final List<Double> timedMs = new ArrayList<>();

		private long timedItems;

		private long timedNotOk;

		private @Nullable Window latency;

		private @Nullable Window throughput;

		private @Nullable String error;

		CellBuilder(String phase, String contender, int zones) {
			this.phase = phase;
			this.contender = contender;
			this.zones = zones;
		}

		void add(String type, JsonNode record) {
			switch (type) {
				case "batch" -> {
					if (!record.path("warmup").asBoolean(false)) {
						this.timedMs.add(record.path("elapsed_ms").asDouble());
						this.timedItems += this.zones;
						this.timedNotOk += record.path("failed").asLong(0) + record.path("not_upstream").asLong(0);
					}
				}
				case "latency" ->
					this.latency = new Window(1, record.path("wall_s").asDouble(), record.path("runs").asLong(),
							record.path("runs").asLong() * this.zones, record.path("runs").asLong() * this.zones, 0, 0,
							number(record, "cpu_s"), number(record, "rss_mib"));
				case "throughput" -> {
					long batches = record.path("batches").asLong();
					this.throughput = new Window(record.path("clients").asInt(), record.path("wall_s").asDouble(),
							batches, batches * this.zones, record.path("ok").asLong(), record.path("failed").asLong(),
							record.path("not_upstream").asLong(), number(record, "cpu_s"), number(record, "rss_mib"));
				}
				case "error" ->
					this.error = Objects.requireNonNullElse(this.error, "") + record.path("message").asString();
				default -> throw new IllegalArgumentException(type);
			}
		}

		Cell build() {
			return new Cell(this.phase, this.contender, this.zones, List.copyOf(this.timedMs), this.timedItems,
					this.timedNotOk, this.latency, this.throughput, this.error);
		}

	}

}
