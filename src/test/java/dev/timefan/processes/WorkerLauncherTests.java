package dev.timefan.processes;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands and environment of a worker JVM: the logging options first, the cache
 * option, the configured options, the class path, and the main class (through
 * {@code PropertiesLauncher} for the executable jar itself).
 */
class WorkerLauncherTests {

	private static final List<String> OPTIONS = List.of("-Xmx48m", "-XX:+UseSerialGC");

	private static final WorkerClassPath JARS = new WorkerClassPath("/cache/app.jar:/cache/lib/a.jar", false,
			List.of());

	@Test
	void workerStartsFromItsCacheWithTheConfiguredOptions() {
		List<String> command = WorkerLauncher.command(OPTIONS, JARS, Path.of("/cache/worker.aot"));

		assertThat(command.subList(1, command.size())).containsExactly("-Xlog:disable", "-Xlog:all=warning:stderr",
				"-XX:AOTCache=/cache/worker.aot", "-Xmx48m", "-XX:+UseSerialGC", "-cp", JARS.value(),
				WorkerMain.class.getName());
		assertThat(WorkerLauncher.command(OPTIONS, JARS, null)).noneMatch((word) -> word.startsWith("-XX:AOT"));
	}

	@Test
	void executableJarItselfIsReadThroughPropertiesLauncher() {
		WorkerClassPath fatJar = new WorkerClassPath("/app/timefan.jar", true, List.of());

		assertThat(WorkerLauncher.command(OPTIONS, fatJar, null)).endsWith("-cp", "/app/timefan.jar",
				"-Dloader.main=" + WorkerMain.class.getName(), WorkerLauncher.PROPERTIES_LAUNCHER);
	}

	@Test
	void trainingWritesTheCacheAndTheCheckOnlyMapsIt() {
		Path output = Path.of("/cache/worker.aot.1-1.training");

		assertThat(WorkerLauncher.trainingCommand(OPTIONS, JARS, output)).contains("-XX:AOTCacheOutput=" + output)
			.endsWith(WorkerMain.class.getName());
		assertThat(WorkerLauncher.checkCommand(OPTIONS, JARS, output))
			.contains("-XX:AOTMode=on", "-XX:AOTCache=" + output, "-Xmx48m")
			.endsWith("-cp", JARS.value(), "-version");
	}

	@Test
	void workersGetFewMallocArenasAndNoneOfTheServicesJvmOptions() {
		var environment = WorkerLauncher.builder(List.of("java")).environment();

		assertThat(environment).containsEntry(WorkerLauncher.MALLOC_ARENA_MAX,
				System.getenv().getOrDefault(WorkerLauncher.MALLOC_ARENA_MAX, WorkerLauncher.DEFAULT_MALLOC_ARENAS));
		assertThat(environment).doesNotContainKeys("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
	}

}
