package dev.timefan;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Programs of the machine a test drives for real (Prometheus, promtool), which
 * {@code .ci/run} installs.
 */
public final class InstalledTools {

	private InstalledTools() {
	}

	/**
	 * Finds a program on the {@code PATH}, or in {@code /usr/bin}.
	 * @param tool its name
	 * @return its path, or null where it is not installed
	 */
	public static @Nullable Path find(String tool) {
		String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
		return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin"))
			.filter((dir) -> !dir.isBlank())
			.map((dir) -> Path.of(dir, tool))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
	}

	/**
	 * Asserts that Prometheus' own parser ({@code promtool check metrics}) reads a scrape
	 * without a format error, and finds nothing to lint in timefan's own meters.
	 * @param promtool the promtool to run
	 * @param scrape the scrape, in Prometheus' text format
	 * @return promtool's report
	 * @throws Exception when promtool cannot run
	 */
	public static String assertPromtoolParses(Path promtool, String scrape) throws Exception {
		Path metrics = Files.createTempFile("scrape", ".txt");
		Path report = Files.createTempFile("promtool", ".txt");
		try {
			Files.writeString(metrics, scrape);
			Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(metrics.toFile())
				.redirectErrorStream(true)
				.redirectOutput(report.toFile())
				.start();
			int exit;
			try {
				exit = check.onExit().get(30, TimeUnit.SECONDS).exitValue();
			}
			finally {
				check.destroyForcibly();
			}
			String lint = Files.readString(report);
			// 0: clean; 3: lint findings only; 1: the text did not parse.
			assertThat(exit).as(lint).isIn(0, 3);
			assertThat(lint).doesNotContain("parsing error", "error while linting");
			assertThat(lint.lines()).as("timefan's own meters lint clean")
				.noneMatch((line) -> line.startsWith("timefan_"));
			return lint;
		}
		finally {
			Files.deleteIfExists(metrics);
			Files.deleteIfExists(report);
		}
	}

}
