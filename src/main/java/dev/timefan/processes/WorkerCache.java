package dev.timefan.processes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.joda.time.DateTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * What makes a worker JVM start fast where the container image's AOT cache
 * ({@code timefan.processes.aot-cache}) is not set: files kept in
 * {@code timefan.processes.cache-dir} across worker starts and service runs.
 * <ul>
 * <li>A class path of plain jars ({@link WorkerClassPath#ofJars}): workers of the
 * executable jar start without {@code PropertiesLauncher}'s nested-jar loading, and an
 * AOT cache, which takes no class directory, can hold their classes. Joda-Time, which the
 * time core reads zones with before the hello and which no AOT cache holds (it is
 * compiled for Java 5), comes right after the application's classes rather than after a
 * hundred other jars.</li>
 * <li>Two AOT caches (JDK 25) for that class path, this JDK and the workers' options: one
 * for a worker as it starts until the service uses the upstream, one for a worker that
 * makes its upstream client before its hello, which loads three times the classes (a
 * cache of those would slow the first kind and add 30 MiB to each). Each is trained once
 * by a worker JVM of its own after the pool has started, checked by a JVM that must map
 * it, then moved into place: the workers spawned from then on start from it, and so do
 * those of every later run.</li>
 * </ul>
 * Whatever fails leaves the workers as they were before (the service's class path, no
 * cache), logged: a directory that cannot be made or is not this user's alone, a training
 * that gives no usable cache (not tried again for the same class path, JDK and options),
 * files removed meanwhile by a cleaner of the temporary directory. A file in the cache's
 * place that is no AOT cache is deleted and trained again: given to a JVM, it would start
 * without even the JDK's own class data.
 */
final class WorkerCache {

	private static final Log log = LogFactory.getLog(WorkerCache.class);

	/** The first four bytes of an AOT cache, in the platform's byte order. */
	static final int AOT_CACHE_MAGIC = 0xf00baba2;

	/** The end of a failed training's output kept beside its cache's name. */
	private static final int FAILURE_OUTPUT = 4096;

	/** How long a training may take before it is given up for this run. */
	static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Caches kept beside the one just trained, newest first: its sibling, and those of
	 * earlier builds (other class paths, JDKs or options).
	 */
	private static final int CACHES_KEPT = 5;

	/** The files of a training in progress, with the pid of the service that runs it. */
	private static final Pattern TRAINING = Pattern
		.compile("worker-.*\\.aot\\.(\\d+)-\\d+\\.training(\\.config|\\.log)?");

	/** Trainings started by this JVM, to name their files apart. */
	private static final AtomicInteger TRAININGS = new AtomicInteger();

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private final WorkerClassPath serviceClassPath;

	private final WorkerClassPath classPath;

	private final @Nullable Path configured;

	/** The caches trained for workers without and with their upstream client. */
	private final @Nullable Trained plain;

	private final @Nullable Trained warm;

	private volatile boolean stopped;

	private volatile boolean fellBack;

	private @Nullable Process training;

	private WorkerCache(WorkerClassPath serviceClassPath, WorkerClassPath classPath, @Nullable Path configured,
			@Nullable Path directory, @Nullable String key) {
		this.serviceClassPath = serviceClassPath;
		this.classPath = classPath;
		this.configured = configured;
		this.plain = (directory != null && key != null) ? new Trained(directory.resolve("worker-" + key + ".aot"))
				: null;
		this.warm = (directory != null && key != null)
				? new Trained(directory.resolve("worker-" + key + "-upstream.aot")) : null;
	}

	/**
	 * Prepares what the workers start with: the configured AOT cache and the service's
	 * class path as they are when {@code aot-cache} is set; otherwise plain jars in the
	 * cache directory and, when {@code train-aot-cache}, the caches trained for them if
	 * they are there already.
	 * @param properties the settings
	 * @param jvmOptions the workers' JVM options
	 * @return the cache
	 */
	static WorkerCache prepare(ProcessesProperties properties, List<String> jvmOptions) {
		WorkerClassPath service = WorkerClassPath.of(System.getProperty("java.class.path"));
		if (properties.aotCache() != null) {
			return new WorkerCache(service, service, properties.aotCache(), null, null);
		}
		boolean train = properties.trainAotCache();
		if (!train && !service.executableJar()) {
			return new WorkerCache(service, service, null, null, null);
		}
		Path directory = usableDirectory(properties.cacheDirectory());
		if (directory == null) {
			return new WorkerCache(service, service, null, null, null);
		}
		long start = System.nanoTime();
		try {
			deleteAbandonedTrainings(directory);
			WorkerClassPath jars = WorkerClassPath.ofJars(service.value(), directory, train,
					WorkerClassPath.jarOf(DateTimeZone.class));
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (millis > 500) {
				log.info("Made the worker processes' class path in " + directory + " in " + millis + " ms");
			}
			if (!train) {
				return new WorkerCache(service, jars, null, null, null);
			}
			return new WorkerCache(service, jars, null, directory, key(jars, jvmOptions));
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Worker processes start from the service's class path: their jars could not be made in "
					+ directory + " (" + ex + ")");
			return new WorkerCache(service, service, null, null, null);
		}
	}

	/**
	 * The class path a worker starts with now: the service's own if a file made for the
	 * other one is gone.
	 */
	WorkerClassPath classPath() {
		if (this.classPath.intact()) {
			return this.classPath;
		}
		if (!this.fellBack) {
			this.fellBack = true;
			log.warn("Files of the worker processes' class path are gone ("
					+ this.classPath.made().getFirst().getParent()
					+ "); workers start from the service's class path, without an AOT cache");
		}
		return this.serviceClassPath;
	}

	/**
	 * The AOT cache a worker starts from now: the configured one, or the trained one once
	 * it is there.
	 * @param upstream whether the worker makes its upstream client before its hello
	 * @return the cache, or null for none
	 */
	@Nullable Path aotCache(boolean upstream) {
		if (this.configured != null) {
			return this.configured;
		}
		Trained trained = upstream ? this.warm : this.plain;
		return (trained != null && trained.ready && classPath() == this.classPath && Files.isRegularFile(trained.file))
				? trained.file : null;
	}

	/**
	 * A trained cache's file, whether it is there yet or not.
	 * @param upstream whether for workers that make their upstream client before their
	 * hello
	 * @return the file, or null when no cache is trained
	 */
	@Nullable Path trainedCache(boolean upstream) {
		Trained trained = upstream ? this.warm : this.plain;
		return (trained != null) ? trained.file : null;
	}

	/**
	 * Trains the caches that are not there yet on a thread of their own, one after the
	 * other, the plain workers' first; a training that failed before for the same key is
	 * not tried again. A worker JVM started with {@code -XX:AOTCacheOutput} says hello,
	 * reads its stdin's end and exits, and the JVM writes the cache of what it loaded.
	 * @param jvmOptions the options of a worker as it starts
	 * @param warmOptions the options of a worker that makes its upstream client before
	 * its hello
	 * @return the training's thread, done when the caches are there or could not be made;
	 * null when there is nothing to train
	 */
	@Nullable Thread train(List<String> jvmOptions, List<String> warmOptions) {
		Trained plain = this.plain;
		Trained warm = this.warm;
		if (plain == null || warm == null || this.stopped || (!plain.missing() && !warm.missing())) {
			return null;
		}
		return Thread.ofVirtual().name("timefan-worker-aot-training").start(() -> {
			if (plain.missing()) {
				train(plain, jvmOptions);
			}
			if (warm.missing() && !this.stopped) {
				train(warm, warmOptions);
			}
		});
	}

	private void train(Trained trained, List<String> jvmOptions) {
		Path cache = trained.file;
		long start = System.nanoTime();
		String name = cache.getFileName().toString();
		Path output = cache.resolveSibling(
				name + "." + ProcessHandle.current().pid() + "-" + TRAININGS.incrementAndGet() + ".training");
		Path trainingLog = output.resolveSibling(output.getFileName() + ".log");
		try {
			int exit = run(WorkerLauncher.trainingCommand(jvmOptions, this.classPath, output), trainingLog);
			if (exit < 0) {
				return;
			}
			if (exit != 0 || !usable(output)) {
				failed(cache,
						(exit != 0) ? "the training JVM exited with " + exit : "the training JVM wrote no AOT cache",
						trainingLog);
				return;
			}
			int check = run(WorkerLauncher.checkCommand(jvmOptions, this.classPath, output), trainingLog);
			if (check != 0) {
				if (check > 0) {
					failed(cache, "a JVM could not start from it", trainingLog);
				}
				return;
			}
			Files.move(output, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			trained.ready = true;
			log.info("Trained an AOT cache for the worker processes in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: " + cache
					+ "; workers start from it from now on");
			removeOlderCaches(cache);
		}
		catch (IOException ex) {
			log.warn("No AOT cache for the worker processes: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			deleteTraining(output);
		}
	}

	/**
	 * Deletes what a training leaves: its cache, the configuration the training JVM
	 * writes before the JVM it starts makes the cache of it, and their output.
	 */
	private static void deleteTraining(Path output) {
		deleteQuietly(output);
		deleteQuietly(output.resolveSibling(output.getFileName() + ".config"));
		deleteQuietly(output.resolveSibling(output.getFileName() + ".log"));
	}

	/**
	 * Deletes what trainings of services that are gone left behind (killed meanwhile):
	 * the files of a training are named by its service's pid.
	 */
	private static void deleteAbandonedTrainings(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			files.forEach((file) -> {
				Matcher training = TRAINING.matcher(file.getFileName().toString());
				if (training.matches() && ProcessHandle.of(Long.parseLong(training.group(1)))
					.filter(ProcessHandle::isAlive)
					.isEmpty()) {
					deleteQuietly(file);
				}
			});
		}
		catch (IOException | NumberFormatException ex) {
			log.debug("Could not look for abandoned trainings in " + directory + ": " + ex);
		}
	}

	/**
	 * Notes that the training gave no usable cache, so that it is not tried again for the
	 * same key: the same JDK, options and class path would fail alike.
	 */
	private static void failed(Path cache, String why, Path trainingLog) throws IOException {
		String output = Files.exists(trainingLog) ? Files.readString(trainingLog) : "";
		Path marker = failedMarker(cache);
		Files.writeString(marker, why + "\n\n" + output.substring(Math.max(0, output.length() - FAILURE_OUTPUT)));
		log.warn("No AOT cache for the worker processes: " + why + " (see " + marker + "); workers start without one");
	}

	/**
	 * Runs a JVM of the training to its end, its output in the log.
	 * @return its exit value, or -1 when the pool stopped or the time ran out
	 */
	private int run(List<String> command, Path trainingLog) throws IOException, InterruptedException {
		ProcessBuilder builder = WorkerLauncher.builder(command)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.appendTo(trainingLog.toFile()));
		Process process;
		synchronized (this) {
			if (this.stopped) {
				return -1;
			}
			process = builder.start();
			this.training = process;
		}
		try {
			// A worker's stdin at its end: it says hello and exits.
			process.getOutputStream().close();
			if (!process.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("The worker processes' AOT cache took over " + TRAINING_TIMEOUT.toSeconds()
						+ " s to train; workers start without one this run");
				return -1;
			}
			return this.stopped ? -1 : process.exitValue();
		}
		finally {
			end(process);
		}
	}

	/** Ends a training in progress: the pool is stopping. */
	void stop() {
		Process process;
		synchronized (this) {
			this.stopped = true;
			process = this.training;
		}
		if (process != null) {
			end(process);
		}
	}

	/**
	 * Ends a JVM of the training, and the JVM it may have started to write the cache.
	 */
	private static void end(Process process) {
		if (!process.isAlive()) {
			return;
		}
		List<ProcessHandle> processes = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
		processes.forEach(ProcessHandle::destroy);
		for (ProcessHandle handle : processes) {
			try {
				handle.onExit().get(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				handle.destroyForcibly();
			}
			catch (ExecutionException | TimeoutException ex) {
				handle.destroyForcibly();
			}
		}
	}

	/** A cache trained in the cache directory. */
	private static final class Trained {

		private final Path file;

		private volatile boolean ready;

		Trained(Path file) {
			this.file = file;
			this.ready = usable(file);
		}

		/** Whether it is to be trained: not there, and no training of it failed. */
		boolean missing() {
			return !this.ready && !Files.exists(failedMarker(this.file));
		}

	}

	/**
	 * Whether a file is an AOT cache by its magic number; one that is not is deleted, so
	 * that no JVM is given it.
	 */
	static boolean usable(Path cache) {
		if (!Files.isRegularFile(cache)) {
			return false;
		}
		byte[] magic = new byte[4];
		try (InputStream in = Files.newInputStream(cache)) {
			if (in.readNBytes(magic, 0, 4) == 4
					&& ByteBuffer.wrap(magic).order(ByteOrder.nativeOrder()).getInt() == AOT_CACHE_MAGIC) {
				return true;
			}
			log.warn("Deleting " + cache + ": it is no AOT cache");
			Files.delete(cache);
		}
		catch (IOException ex) {
			log.warn("Cannot read the worker processes' AOT cache " + cache + ": " + ex);
		}
		return false;
	}

	/**
	 * What a cache holds depends on: the JDK, the workers' JVM options (their {@code -D}
	 * properties aside), and each class path entry with its size and time, as the JVM
	 * checks them.
	 */
	private static String key(WorkerClassPath classPath, List<String> jvmOptions) throws IOException {
		MessageDigest digest = WorkerClassPath.sha256();
		StringBuilder key = new StringBuilder();
		key.append(System.getProperty("java.home")).append('\n').append(System.getProperty("java.vm.version"));
		jvmOptions.stream()
			.filter((option) -> option.startsWith("-X"))
			.forEach((option) -> key.append('\n').append(option));
		for (String entry : classPath.entries()) {
			Path path = Path.of(entry);
			key.append('\n').append(entry);
			if (Files.isRegularFile(path)) {
				key.append(' ').append(Files.size(path)).append(' ').append(Files.getLastModifiedTime(path).toMillis());
			}
		}
		digest.update(key.toString().getBytes(StandardCharsets.UTF_8));
		return WorkerClassPath.hex(digest);
	}

	private static Path failedMarker(Path cache) {
		return cache.resolveSibling(cache.getFileName() + ".failed");
	}

	/** Keeps the newest few caches of other keys: a rebuild makes a new one. */
	private static void removeOlderCaches(Path current) {
		try (Stream<Path> files = Files.list(current.getParent())) {
			files.filter((file) -> !file.equals(current))
				.filter((file) -> file.getFileName().toString().matches("worker-[0-9a-f]+(-upstream)?\\.aot"))
				.sorted(Comparator.comparing(WorkerCache::modified).reversed())
				.skip(CACHES_KEPT)
				.forEach(WorkerCache::deleteQuietly);
		}
		catch (IOException ex) {
			log.debug("Could not list the older worker AOT caches: " + ex);
		}
	}

	private static FileTime modified(Path file) {
		try {
			return Files.getLastModifiedTime(file);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			log.debug("Could not delete " + file + ": " + ex);
		}
	}

	/**
	 * The cache directory, made if missing; null when it cannot be made or written, or,
	 * where files have POSIX owners, when it is a link, or another user's, or others may
	 * write in it: what it holds is code the workers run.
	 */
	static @Nullable Path usableDirectory(Path directory) {
		boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
		try {
			if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
				if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
					throw new AccessDeniedException(directory.toString(), null, "not a directory (a link?)");
				}
				if (posix) {
					Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
				}
				else {
					Files.createDirectories(directory);
				}
			}
			Path probe = Files.createTempFile(directory, "probe", ".tmp");
			try {
				if (posix) {
					if (!Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(probe))) {
						throw new AccessDeniedException(directory.toString(), null, "another user's");
					}
					Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory,
							LinkOption.NOFOLLOW_LINKS);
					if (permissions.contains(PosixFilePermission.GROUP_WRITE)
							|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
						throw new AccessDeniedException(directory.toString(), null,
								"others may write in it: " + PosixFilePermissions.toString(permissions));
					}
				}
			}
			finally {
				Files.deleteIfExists(probe);
			}
			return directory;
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			log.warn("Worker processes start without a cache: " + directory + " is not usable (" + ex + ")");
			return null;
		}
	}

}
