package dev.timefan.processes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The command that starts a worker: this JVM's own java executable, the configured JVM
 * options, and a class path that works however the service runs. Nothing a caller sent
 * ever reaches it.
 * <ul>
 * <li>exploded classes (tests, {@code spring-boot:run}) or the extracted layout's thin
 * jar (whose manifest {@code Class-Path} names {@code lib/}):
 * {@code -cp <java.class.path> WorkerMain};</li>
 * <li>the executable fat jar:
 * {@code -cp app.jar -Dloader.main=WorkerMain PropertiesLauncher}, so Spring Boot's
 * loader reads {@code BOOT-INF/}.</li>
 * </ul>
 */
final class WorkerLauncher {

	static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private WorkerLauncher() {
	}

	static List<String> command(List<String> jvmOptions) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(jvmOptions);
		String classPath = System.getProperty("java.class.path");
		command.add("-cp");
		command.add(classPath);
		if (isFatJar(classPath)) {
			command.add("-Dloader.main=" + WorkerMain.class.getName());
			command.add(PROPERTIES_LAUNCHER);
		}
		else {
			command.add(WorkerMain.class.getName());
		}
		return command;
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
