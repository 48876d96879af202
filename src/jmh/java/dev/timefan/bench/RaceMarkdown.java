package dev.timefan.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.timefan.bench.Race.Cell;
import dev.timefan.bench.Race.Lookup;
import dev.timefan.bench.Race.Window;
import org.jspecify.annotations.Nullable;

/**
 * The markdown report of a {@link Race}: what ran where, the figures of every cell, and
 * the single lookups against their targets.
 */
final class RaceMarkdown {

	/** The charts {@link RaceCharts} writes, each with its caption. */
	private final List<String[]> charts;

	RaceMarkdown(List<String[]> charts) {
		this.charts = charts;
	}

	String write(Race race) {
		StringBuilder out = new StringBuilder();
		out.append("# timefan against its peers: batches against an upstream, and single lookups\n\n");
		out.append(
				"Written by `scripts/bench-race` (see [docs/benchmarks.md](../benchmarks.md) for what each figure means).\n\n");
		for (Race.About about : race.about()) {
			out.append("- ").append(about.label()).append(": ").append(about.value()).append('\n');
		}
		for (String phase : race.phases()) {
			out.append('\n').append("## ").append(phaseTitle(race, phase)).append("\n\n");
			matrix(out, race, phase, "Median batch time, ms (p50 of the timed batches, one after the other)",
					(cell) -> millis(cell.p50()));
			matrix(out, race, phase, "Zones per second with " + clients(race) + " concurrent clients",
					(cell) -> (cell.throughput() != null) ? count(cell.throughput().zonesPerSecond()) : "-");
			details(out, race, phase);
		}
		failures(out, race);
		lookups(out, race);
		if (!this.charts.isEmpty()) {
			out.append("\n## Charts\n\n");
			for (String[] chart : this.charts) {
				out.append("![").append(chart[1]).append("](").append(chart[0]).append(")\n\n");
			}
		}
		return out.toString();
	}

	private static String phaseTitle(Race race, String phase) {
		return "L".equals(phase) ? "The upstream at L = " + race.latencyMs() + " ms" : "The upstream at 0 ms (T0)";
	}

	private static String clients(Race race) {
		return race.cells()
			.stream()
			.map(Cell::throughput)
			.filter((window) -> window != null)
			.map((window) -> Integer.toString(window.clients()))
			.findFirst()
			.orElse("the");
	}

	private static void matrix(StringBuilder out, Race race, String phase, String title,
			Function<Cell, String> figure) {
		List<Integer> sizes = race.sizes();
		out.append("**").append(title).append("**\n\n| contender |");
		sizes.forEach((size) -> out.append(' ').append(count(size)).append(" |"));
		out.append("\n| --- |");
		sizes.forEach((size) -> out.append(" ---: |"));
		out.append('\n');
		for (String contender : race.contenders()) {
			out.append("| ").append(contender).append(" |");
			for (int size : sizes) {
				Cell cell = race.cell(phase, contender, size);
				out.append(' ').append((cell != null) ? mark(cell, figure.apply(cell)) : "").append(" |");
			}
			out.append('\n');
		}
		out.append('\n');
	}

	private static void details(StringBuilder out, Race race, String phase) {
		out.append("**Every figure**\n\n");
		out.append(
				"| contender | zones | p50 ms | p99 ms | timed batches | batches/s | zones/s | CPU s | CPU µs/zone | "
						+ "peak RSS MiB | not ok |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (int size : race.sizes()) {
			for (String contender : race.contenders()) {
				Cell cell = race.cell(phase, contender, size);
				if (cell == null) {
					continue;
				}
				Window window = cell.throughput();
				out.append("| ")
					.append(contender)
					.append(" | ")
					.append(count(size))
					.append(" | ")
					.append(millis(cell.p50()))
					.append(" | ")
					.append(millis(cell.p99()))
					.append(" | ")
					.append(cell.timedMs().size())
					.append(" | ")
					.append((window != null) ? decimal(window.batchesPerSecond()) : "-")
					.append(" | ")
					.append((window != null) ? count(window.zonesPerSecond()) : "-")
					.append(" | ")
					.append((window != null) ? decimal(window.cpuS()) : "-")
					.append(" | ")
					.append((window != null) ? decimal(window.cpuMicrosPerZone()) : "-")
					.append(" | ")
					.append(decimal(cell.rssMib()))
					.append(" | ")
					.append(mark(cell, Long.toString(cell.notOk())))
					.append(" |\n");
			}
		}
		out.append('\n');
	}

	private static void failures(StringBuilder out, Race race) {
		List<Cell> bad = race.cells().stream().filter((cell) -> cell.error() != null || cell.notOk() > 0).toList();
		if (bad.isEmpty()) {
			out.append("Every item of every batch was answered from the upstream with a time object.\n");
			return;
		}
		out.append("Cells marked * had items that failed or did not come from the upstream, or did not finish:\n\n");
		for (Cell cell : bad) {
			out.append("- ").append(cell.phase()).append(' ').append(cell.contender()).append(", ");
			out.append(count(cell.zones())).append(" zones: ");
			if (cell.error() != null) {
				out.append(cell.error().strip());
			}
			else {
				out.append(count(cell.timedNotOk()))
					.append(" of ")
					.append(count(cell.timedItems()))
					.append(" timed items");
				Window window = cell.throughput();
				if (window != null) {
					out.append(", ")
						.append(count(window.failed() + window.notUpstream()))
						.append(" of ")
						.append(count(window.items()))
						.append(" in the throughput window");
				}
				out.append(" not ok");
				long notUpstream = (window != null) ? window.notUpstream() : 0;
				if (notUpstream > 0) {
					out.append(" (")
						.append(count(notUpstream))
						.append(" in the window answered, but not from the upstream)");
				}
			}
			out.append('\n');
		}
	}

	private static void lookups(StringBuilder out, Race race) {
		if (race.lookups().isEmpty()) {
			return;
		}
		Double bare = race.lookups()
			.stream()
			.filter((lookup) -> "bare".equals(lookup.label()) && lookup.requestsPerSecond() != null)
			.map(Lookup::requestsPerSecond)
			.findFirst()
			.orElse(null);
		out.append("\n## Single lookups over HTTP\n\n");
		out.append("| path | 2xx/s | p50 ms | p99 ms | of bare | target | errors |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | --- | ---: |\n");
		for (Lookup lookup : race.lookups()) {
			out.append("| `").append(lookup.path()).append("` | ");
			if (lookup.skipped() != null) {
				out.append("skipped: ").append(lookup.skipped()).append(" | | | | | |\n");
				continue;
			}
			Double rps = lookup.requestsPerSecond();
			Double ratio = (bare != null && rps != null) ? rps / bare : null;
			Double target = target(lookup.label());
			out.append(count(rps))
				.append(" | ")
				.append(decimal(lookup.p50Ms()))
				.append(" | ")
				.append(decimal(lookup.p99Ms()))
				.append(" | ")
				.append((ratio != null) ? Math.round(ratio * 100) + " %" : "-")
				.append(" | ")
				.append(verdict(target, ratio))
				.append(" | ")
				.append(count(lookup.non2xx() + lookup.socketErrors()))
				.append(" |\n");
		}
	}

	/**
	 * The target for a single lookup's share of the bare controller's rate.
	 * @param label the lookup's label
	 * @return a fraction, or {@code null} without a target
	 */
	static @Nullable Double target(String label) {
		return switch (label) {
			case "threads", "virtual", "reactive" -> 0.6;
			case "processes" -> 0.4;
			default -> null;
		};
	}

	private static String verdict(@Nullable Double target, @Nullable Double ratio) {
		if (target == null) {
			return "";
		}
		String bound = "≥ " + Math.round(target * 100) + " %";
		if (ratio == null) {
			return bound;
		}
		return bound + ((ratio >= target) ? ": met" : ": **missed**");
	}

	private static String mark(Cell cell, String figure) {
		return (cell.error() != null || cell.notOk() > 0) ? figure + " *" : figure;
	}

	/**
	 * Milliseconds as the tables show them: three significant figures below 100, whole
	 * numbers with thousands separators above.
	 * @param value ms, or {@code null}
	 * @return the text, {@code -} for {@code null}
	 */
	static String millis(@Nullable Double value) {
		return decimal(value);
	}

	static String decimal(@Nullable Double value) {
		if (value == null || value.isNaN() || value.isInfinite()) {
			return "-";
		}
		double magnitude = Math.abs(value);
		if (magnitude >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (magnitude >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	static String count(@Nullable Number value) {
		return (value != null) ? String.format(Locale.ROOT, "%,d", Math.round(value.doubleValue())) : "-";
	}

}
