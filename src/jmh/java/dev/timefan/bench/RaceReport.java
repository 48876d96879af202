package dev.timefan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the report of a {@code scripts/bench-race} run: reads its JSON lines and writes
 * {@code race.md} and the PNG charts beside it. Headless: run with
 * {@code -Djava.awt.headless=true} (main sets it when unset).
 *
 * <pre>
 * java -cp target/bench/test-classes:... dev.timefan.bench.RaceReport runs.jsonl out-directory
 * </pre>
 */
final class RaceReport {

	private RaceReport() {
	}

	static void main(String[] args) throws IOException {
		if (args.length != 2) {
			System.err.println("usage: RaceReport RUNS_JSONL OUT_DIRECTORY");
			System.exit(2);
		}
		if (System.getProperty("java.awt.headless") == null) {
			System.setProperty("java.awt.headless", "true");
		}
		Path runs = Path.of(args[0]);
		Path directory = Path.of(args[1]);
		Path report = write(Files.readAllLines(runs), directory);
		System.out.println("bench-race: the report is " + report + ", its charts beside it");
	}

	/**
	 * Writes {@code race.md} and the charts.
	 * @param lines the run's JSON lines
	 * @param directory where to write them, created if missing
	 * @return the markdown file
	 * @throws IOException if a file cannot be written
	 */
	static Path write(List<String> lines, Path directory) throws IOException {
		Files.createDirectories(directory);
		Race race = Race.read(lines);
		List<String[]> charts = new RaceCharts(directory).write(race);
		Path report = directory.resolve("race.md");
		Files.writeString(report, new RaceMarkdown(charts).write(race));
		return report;
	}

}
