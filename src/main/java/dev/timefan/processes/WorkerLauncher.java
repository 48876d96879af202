package dev.timefan.processes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.jspecify.annotations.Nullable;

/**
 * How a worker is started: this JVM's own java executable, the configured JVM options, a
 * class path that works however the service runs ({@link WorkerCache} makes one of plain
 * jars where it can), and an environment without the service's JVM tuning. Nothing a
 * caller sent ever reaches it.
 * <ul>
 * <li>plain jars, exploded classes (tests, {@code spring-boot:run}) or the extracted
 * layout's thin jar (whose manifest {@code Class-Path} names {@code lib/}):
 * {@code -cp <class path> WorkerMain};</li>
 * <li>the executable fat jar itself, when its classes could not be extracted:
 * {@code -cp app.jar -Dloader.main=WorkerMain PropertiesLauncher}, so Spring Boot's
 * loader reads {@code BOOT-INF/}.</li>
 * </ul>
 */
final class WorkerLauncher {

	static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	/**
	 * The JVM's own messages (unified logging writes warnings and errors to stdout by
	 * default, an unusable AOT cache among them) go to stderr: stdout carries the
	 * protocol only.
	 */
	static final List<String> LOGGING_OPTIONS = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");

	/**
	 * Environment variables the {@code java} launcher reads options from: set for the
	 * service (an agent, a heap size), they are not the workers', whose options are
	 * {@code timefan.processes.jvm-options} alone.
	 */
	static final List<String> SERVICE_ONLY_ENVIRONMENT = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
			"_JAVA_OPTIONS");

	/**
	 * glibc's malloc arenas of a worker, unless the service's environment sets them: by
	 * default up to 8 per CPU, each holding on to memory that the upstream client's
	 * threads once used.
	 */
	static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";

	static final String DEFAULT_MALLOC_ARENAS = "2";

	private WorkerLauncher() {
	}

	/**
	 * The command of a worker.
	 * @param jvmOptions the worker's JVM options
	 * @param classPath its class path
	 * @param aotCache the AOT cache it starts from, or null
	 * @return the command
	 */
	static List<String> command(List<String> jvmOptions, WorkerClassPath classPath, @Nullable Path aotCache) {
		return command((aotCache != null) ? List.of("-XX:AOTCache=" + aotCache) : List.of(), jvmOptions, classPath,
				true);
	}

	/**
	 * The command of a worker that trains an AOT cache: the JVM writes it when the worker
	 * exits.
	 * @param jvmOptions the workers' JVM options
	 * @param classPath their class path
	 * @param output where the cache is written
	 * @return the command
	 */
	static List<String> trainingCommand(List<String> jvmOptions, WorkerClassPath classPath, Path output) {
		return command(List.of("-XX:AOTCacheOutput=" + output), jvmOptions, classPath, true);
	}

	/**
	 * The command of a JVM that starts from an AOT cache or fails
	 * ({@code -XX:AOTMode=on}), then only prints its version.
	 * @param jvmOptions the workers' JVM options
	 * @param classPath their class path
	 * @param aotCache the cache
	 * @return the command
	 */
	static List<String> checkCommand(List<String> jvmOptions, WorkerClassPath classPath, Path aotCache) {
		List<String> command = command(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + aotCache), jvmOptions, classPath,
				false);
		command.add("-version");
		return command;
	}

	private static List<String> command(List<String> cacheOptions, List<String> jvmOptions, WorkerClassPath classPath,
			boolean main) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(LOGGING_OPTIONS);
		command.addAll(cacheOptions);
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath.value());
		if (!main) {
			return command;
		}
		if (classPath.executableJar()) {
			command.add("-Dloader.main=" + WorkerMain.class.getName());
			command.add(PROPERTIES_LAUNCHER);
		}
		else {
			command.add(WorkerMain.class.getName());
		}
		return command;
	}

	/**
	 * Starts a worker.
	 * @param command the command of {@link #command}
	 * @return the process
	 * @throws IOException when it cannot be started
	 */
	static Process start(List<String> command) throws IOException {
		return builder(command).start();
	}

	/**
	 * A worker's process builder: the command, in an environment without the service's
	 * JVM options, and with few malloc arenas.
	 * @param command the command
	 * @return the builder
	 */
	static ProcessBuilder builder(List<String> command) {
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> environment = builder.environment();
		SERVICE_ONLY_ENVIRONMENT.forEach(environment::remove);
		environment.putIfAbsent(MALLOC_ARENA_MAX, DEFAULT_MALLOC_ARENAS);
		return builder;
	}

	private static String javaExecutable() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/** A single jar holding {@code BOOT-INF/}: Spring Boot's executable jar. */
	static boolean isFatJar(String classPath) {
		if (classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
			return false;
		}
		try (JarFile jar = new JarFile(classPath)) {
			return jar.getEntry("BOOT-INF/") != null || jar.getEntry("BOOT-INF/classes/") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
