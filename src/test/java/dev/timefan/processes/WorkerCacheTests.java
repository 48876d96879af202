package dev.timefan.processes;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the workers start with outside the image: plain jars made in the cache directory,
 * an AOT cache trained for them, and the way back to the service's own class path and no
 * cache whenever something is amiss. The workers here are real JVMs; no test times them.
 */
class WorkerCacheTests {

	/** ProcessesProperties' default options. */
	private static final List<String> OPTIONS = List.of("-Xmx48m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Djdk.httpclient.bufsize=2048");

	/**
	 * A worker that makes its upstream client before its hello: the upstream is never
	 * called.
	 */
	private static final List<String> WARM_OPTIONS = Stream
		.concat(OPTIONS.stream(), Stream.of("-D" + WorkerMain.WARM_UPSTREAM_PROPERTY + "=true"))
		.toList();

	private static final Duration WORKER_BOUND = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	@Test
	void trainingMakesCachesThatLaterWorkersAndLaterRunsStartFrom() throws Exception {
		WorkerCache cache = WorkerCache.prepare(properties(this.directory, true), OPTIONS);
		assertThat(cache.aotCache(false)).as("nothing trained yet").isNull();
		assertThat(cache.aotCache(true)).isNull();
		assertThat(cache.classPath().entries()).as("class directories packed as jars")
			.allSatisfy((entry) -> assertThat(Path.of(entry)).satisfiesAnyOf(
					(path) -> assertThat(path.toString()).endsWith(".jar"), (path) -> assertThat(path).doesNotExist()));

		Thread training = cache.train(OPTIONS, WARM_OPTIONS);
		assertThat(training).isNotNull();
		assertThat(training.join(WorkerCache.TRAINING_TIMEOUT.multipliedBy(2).plusSeconds(30))).as("training ended")
			.isTrue();

		Path plain = cache.aotCache(false);
		Path warm = cache.aotCache(true);
		assertThat(plain).as("the plain workers' cache").isNotNull().isEqualTo(cache.trainedCache(false));
		assertThat(warm).as("the warm workers' cache").isNotNull().isEqualTo(cache.trainedCache(true));
		assertThat(WorkerCache.usable(plain)).isTrue();
		assertThat(WorkerCache.usable(warm)).isTrue();
		for (boolean upstream : new boolean[] { false, true }) {
			Worker worker = startWorker(cache, upstream);
			assertThat(worker.command()).contains("-XX:AOTCache=" + cache.aotCache(upstream));
			assertThat(worker.helloAndExit()).as("no complaint about the cache").doesNotContain("[aot]");
		}

		WorkerCache laterRun = WorkerCache.prepare(properties(this.directory, true), OPTIONS);
		assertThat(laterRun.aotCache(false)).isEqualTo(plain);
		assertThat(laterRun.aotCache(true)).isEqualTo(warm);
		assertThat(laterRun.train(OPTIONS, WARM_OPTIONS)).as("nothing left to train").isNull();
	}

	@Test
	void garbageInPlaceOfTheCacheIsDeletedAndWorkersStartWithoutIt() throws Exception {
		Path file = WorkerCache.prepare(properties(this.directory, true), OPTIONS).trainedCache(false);
		assertThat(file).isNotNull();
		Files.write(file, garbage());

		WorkerCache cache = WorkerCache.prepare(properties(this.directory, true), OPTIONS);

		assertThat(file).doesNotExist();
		assertThat(cache.aotCache(false)).isNull();
		Worker worker = startWorker(cache, false);
		assertThat(worker.command()).noneMatch((word) -> word.startsWith("-XX:AOTCache"));
		worker.helloAndExit();
	}

	@Test
	void workerJvmGivenGarbageAsItsCacheStillStarts() throws Exception {
		Path garbage = Files.write(this.directory.resolve("garbage.aot"), garbage());
		WorkerClassPath classPath = WorkerCache.prepare(properties(this.directory, false), OPTIONS).classPath();

		Worker worker = Worker.start(WorkerLauncher.command(OPTIONS, classPath, garbage));

		assertThat(worker.helloAndExit()).as("the JVM's complaint, on stderr").contains("[aot]");
	}

	@Test
	void trainingThatFailsIsNotTriedAgainForTheSameKey() throws Exception {
		List<String> options = List.of("-XX:+UseSerialGC", "-XX:NoSuchOptionOfTheJvm=1");
		WorkerCache cache = WorkerCache.prepare(properties(this.directory, true), options);

		Thread training = cache.train(options, options);
		assertThat(training).isNotNull();
		assertThat(training.join(WorkerCache.TRAINING_TIMEOUT.plusSeconds(30))).isTrue();

		for (boolean upstream : new boolean[] { false, true }) {
			assertThat(cache.aotCache(upstream)).isNull();
			Path file = cache.trainedCache(upstream);
			assertThat(file).isNotNull().doesNotExist();
			assertThat(file.resolveSibling(file.getFileName() + ".failed")).content()
				.contains("exited with", "NoSuchOptionOfTheJvm");
		}
		assertThat(WorkerCache.prepare(properties(this.directory, true), options).train(options, options)).isNull();
		try (Stream<Path> left = Files.list(this.directory)) {
			assertThat(left).as("nothing of the trainings but their markers")
				.noneMatch((path) -> path.getFileName().toString().contains(".training"));
		}
	}

	@Test
	void filesOfTrainingsWhoseServiceIsGoneAreDeleted() throws IOException {
		// Over any pid_max: no process has it.
		Path abandoned = Files.writeString(this.directory.resolve("worker-0123.aot.999999999-1.training"), "");
		Path abandonedConfiguration = Files
			.writeString(this.directory.resolve("worker-0123.aot.999999999-1.training.config"), "");
		Path abandonedLog = Files.writeString(this.directory.resolve("worker-0123.aot.999999999-1.training.log"), "");
		Path inProgress = Files.writeString(
				this.directory.resolve("worker-0123.aot." + ProcessHandle.current().pid() + "-1.training.config"), "");

		WorkerCache.prepare(properties(this.directory, true), OPTIONS);

		assertThat(abandoned).doesNotExist();
		assertThat(abandonedConfiguration).doesNotExist();
		assertThat(abandonedLog).doesNotExist();
		assertThat(inProgress).exists();
	}

	@Test
	void filesRemovedMeanwhileLeaveTheWorkersOnTheServiceClassPath() throws IOException {
		WorkerCache cache = WorkerCache.prepare(properties(this.directory, true), OPTIONS);
		WorkerClassPath made = cache.classPath();
		assertThat(made.made()).isNotEmpty();

		Files.delete(made.made().getFirst());

		assertThat(cache.classPath()).isEqualTo(WorkerClassPath.of(System.getProperty("java.class.path")));
		assertThat(cache.aotCache(false)).isNull();
	}

	@Test
	void configuredCacheIsUsedAsItIsWithTheServiceClassPath() {
		Path configured = this.directory.resolve("worker.aot");
		ProcessesProperties properties = properties(this.directory.resolve("unused"), true, configured);

		WorkerCache cache = WorkerCache.prepare(properties, OPTIONS);

		assertThat(cache.aotCache(false)).isEqualTo(configured);
		assertThat(cache.aotCache(true)).isEqualTo(configured);
		assertThat(cache.classPath()).isEqualTo(WorkerClassPath.of(System.getProperty("java.class.path")));
		assertThat(cache.train(OPTIONS, WARM_OPTIONS)).isNull();
		assertThat(this.directory.resolve("unused")).doesNotExist();
	}

	@Test
	void directoryInTheWayOfAFileIsNotUsed() throws IOException {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");

		assertThat(WorkerCache.usableDirectory(file)).isNull();
		WorkerCache cache = WorkerCache.prepare(properties(file, true), OPTIONS);
		assertThat(cache.classPath()).isEqualTo(WorkerClassPath.of(System.getProperty("java.class.path")));
		assertThat(cache.trainedCache(false)).isNull();
	}

	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	void directoryOthersMayWriteInOrALinkIsNotUsed() throws IOException {
		Path shared = Files.createDirectory(this.directory.resolve("shared"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path link = Files.createSymbolicLink(this.directory.resolve("link"),
				Files.createDirectory(this.directory.resolve("target")));

		assertThat(WorkerCache.usableDirectory(shared)).isNull();
		assertThat(WorkerCache.usableDirectory(link)).isNull();
		Path fresh = this.directory.resolve("fresh");
		assertThat(WorkerCache.usableDirectory(fresh)).isEqualTo(fresh);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
	}

	@Test
	void classDirectoryIsPackedAsAJarNamedByItsContent() throws IOException {
		Path classes = Files.createDirectories(this.directory.resolve("classes/dev/example"));
		Files.writeString(classes.resolve("Example.class"), "bytes");
		Path empty = Files.createDirectory(this.directory.resolve("empty"));
		Path root = this.directory.resolve("classes");
		String classPath = root + File.pathSeparator + empty;

		WorkerClassPath packed = WorkerClassPath.ofJars(classPath, this.directory.resolve("cache"), true, null);
		WorkerClassPath again = WorkerClassPath.ofJars(classPath, this.directory.resolve("cache"), true, null);

		assertThat(packed).isEqualTo(again);
		assertThat(packed.entries()).hasSize(2).endsWith(empty.toString());
		try (JarFile jar = new JarFile(packed.entries().getFirst())) {
			assertThat(new String(jar.getInputStream(jar.getEntry("dev/example/Example.class")).readAllBytes(),
					StandardCharsets.UTF_8))
				.isEqualTo("bytes");
		}
		assertThat(WorkerClassPath.ofJars(classPath, this.directory.resolve("cache"), false, null).value())
			.as("packed only for an AOT cache")
			.isEqualTo(classPath);

		Files.writeString(classes.resolve("Other.class"), "more");
		assertThat(WorkerClassPath.ofJars(classPath, this.directory.resolve("cache"), true, null).entries().getFirst())
			.isNotEqualTo(packed.entries().getFirst());
	}

	@Test
	void executableJarIsExtractedInItsLaunchersOrder() throws IOException {
		Path fatJar = this.directory.resolve("app.jar");
		byte[] first = "first library".getBytes(StandardCharsets.UTF_8);
		byte[] second = "second library".getBytes(StandardCharsets.UTF_8);
		try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(fatJar))) {
			jar.putNextEntry(new JarEntry("BOOT-INF/"));
			jar.putNextEntry(new JarEntry("BOOT-INF/classes/"));
			jar.putNextEntry(new JarEntry("BOOT-INF/classes/dev/example/App.class"));
			jar.write("app".getBytes(StandardCharsets.UTF_8));
			stored(jar, "BOOT-INF/lib/a-1.0.jar", first);
			stored(jar, "BOOT-INF/lib/b-2.0.jar", second);
			jar.putNextEntry(new JarEntry("BOOT-INF/classpath.idx"));
			jar.write("- \"BOOT-INF/lib/b-2.0.jar\"\n- \"BOOT-INF/lib/a-1.0.jar\"\n".getBytes(StandardCharsets.UTF_8));
		}
		assertThat(WorkerClassPath.of(fatJar.toString()).executableJar()).isTrue();

		WorkerClassPath extracted = WorkerClassPath.ofJars(fatJar.toString(), this.directory.resolve("cache"), false,
				null);

		assertThat(extracted.executableJar()).isFalse();
		List<String> entries = extracted.entries();
		assertThat(entries).hasSize(3);
		assertThat(Path.of(entries.get(0)).getFileName().toString()).startsWith("app-");
		assertThat(Path.of(entries.get(1)).getFileName().toString()).startsWith("b-2.0-");
		assertThat(Path.of(entries.get(2))).hasBinaryContent(first);
		try (JarFile classes = new JarFile(entries.get(0))) {
			assertThat(classes.getEntry("dev/example/App.class")).isNotNull();
		}
		assertThat(WorkerClassPath.ofJars(fatJar.toString(), this.directory.resolve("cache"), false, null))
			.isEqualTo(extracted);
		assertThat(WorkerClassPath.ofJars(fatJar.toString(), this.directory.resolve("cache"), false, "a-1.0.jar")
			.entries()).as("a library put first, after the classes")
			.containsExactly(entries.get(0), entries.get(2), entries.get(1));
	}

	@Test
	void libraryPutFirstComesRightAfterTheClassDirectories() throws IOException {
		Path classes = Files.createDirectories(this.directory.resolve("classes/dev/example"));
		Files.writeString(classes.resolve("Example.class"), "bytes");
		Path other = Files.writeString(this.directory.resolve("other-1.0.jar"), "");
		Path library = Files.writeString(this.directory.resolve("joda-time-2.15.1.jar"), "");
		String classPath = String.join(File.pathSeparator, this.directory.resolve("classes").toString(),
				other.toString(), library.toString());

		WorkerClassPath ordered = WorkerClassPath.ofJars(classPath, this.directory.resolve("cache"), true,
				"joda-time-2.15.1.jar");

		assertThat(ordered.entries()).hasSize(3).endsWith(library.toString(), other.toString());
		assertThat(WorkerClassPath.jarOf(org.joda.time.DateTimeZone.class)).startsWith("joda-time-").endsWith(".jar");
		assertThat(WorkerClassPath.jarOf(WorkerCacheTests.class)).as("from a class directory").isNull();
	}

	private static void stored(JarOutputStream jar, String name, byte[] content) throws IOException {
		JarEntry entry = new JarEntry(name);
		entry.setMethod(ZipEntry.STORED);
		entry.setSize(content.length);
		CRC32 crc = new CRC32();
		crc.update(content);
		entry.setCrc(crc.getValue());
		jar.putNextEntry(entry);
		jar.write(content);
	}

	private static byte[] garbage() {
		byte[] garbage = new byte[64 * 1024];
		Arrays.fill(garbage, (byte) 0x5a);
		return garbage;
	}

	static ProcessesProperties properties(Path cacheDir, boolean train) {
		return properties(cacheDir, train, null);
	}

	static ProcessesProperties properties(Path cacheDir, boolean train, @Nullable Path aotCache) {
		return new ProcessesProperties(1, 10_000, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(100),
				Duration.ofSeconds(10), OPTIONS, aotCache, cacheDir, train, 32, 16_000);
	}

	private static Worker startWorker(WorkerCache cache, boolean upstream) throws IOException {
		return Worker.start(
				WorkerLauncher.command(upstream ? WARM_OPTIONS : OPTIONS, cache.classPath(), cache.aotCache(upstream)));
	}

	/** A worker JVM started as the pool starts one. */
	private record Worker(List<String> command, Process process) {

		static Worker start(List<String> command) throws IOException {
			return new Worker(command, WorkerLauncher.start(command));
		}

		/**
		 * Reads its hello, closes its stdin and waits for its exit.
		 * @return what it wrote on stderr
		 */
		String helloAndExit() throws Exception {
			try {
				byte[] frame = WorkerProtocol
					.readFrame(new DataInputStream(new BufferedInputStream(this.process.getInputStream())));
				assertThat(frame).as("a hello frame").isNotNull();
				assertThat(WorkerProtocol.decode(frame)).isInstanceOf(WorkerProtocol.Hello.class);
			}
			finally {
				// stdin's end: the worker exits.
				this.process.getOutputStream().close();
				if (!this.process.waitFor(WORKER_BOUND.toSeconds(), TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			assertThat(this.process.exitValue()).isZero();
			return new String(this.process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		}

	}

}
