package dev.timefan.processes;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import org.jspecify.annotations.Nullable;

/**
 * The class path a worker JVM starts with.
 *
 * @param value the {@code -cp} value
 * @param executableJar whether it is Spring Boot's executable jar, whose classes only
 * {@code PropertiesLauncher} reads
 * @param made the files made for it in the cache directory, which must still be there
 * when a worker starts
 */
record WorkerClassPath(String value, boolean executableJar, List<Path> made) {

	private static final String CLASSES = "BOOT-INF/classes/";

	private static final String LIBRARIES = "BOOT-INF/lib/";

	private static final String CLASSPATH_INDEX = "BOOT-INF/classpath.idx";

	WorkerClassPath {
		made = List.copyOf(made);
	}

	/**
	 * The service's own class path, as it is.
	 * @param classPath {@code java.class.path}
	 * @return the class path
	 */
	static WorkerClassPath of(String classPath) {
		return new WorkerClassPath(classPath, WorkerLauncher.isFatJar(classPath), List.of());
	}

	/**
	 * The same classes as plain jars, as an AOT cache needs them (it takes no directory)
	 * and as the JVM's own class loader reads them (no {@code PropertiesLauncher}): an
	 * executable jar's libraries extracted, each named by its CRC so that a rebuild
	 * extracts only those that changed, and its classes packed as a jar; a class
	 * directory, when asked, packed as a jar named by a digest of its files. What is
	 * already in {@code directory} is used as it is. One library may come first, right
	 * after the application's classes: the JVM's class loader opens the jars in order
	 * until it finds a class, and a class that no AOT cache holds is looked for each
	 * time.
	 * @param classPath {@code java.class.path}
	 * @param directory where the jars are made
	 * @param packDirectories whether class directories are packed (only an AOT cache
	 * needs it)
	 * @param first the file name of the library jar to put first, or null
	 * @return the class path
	 * @throws IOException when a file cannot be read or written
	 */
	static WorkerClassPath ofJars(String classPath, Path directory, boolean packDirectories, @Nullable String first)
			throws IOException {
		if (WorkerLauncher.isFatJar(classPath)) {
			return extracted(Path.of(classPath), directory, first);
		}
		List<String> entries = new ArrayList<>();
		List<Path> made = new ArrayList<>();
		for (String entry : classPath.split(File.pathSeparator)) {
			Path path = Path.of(entry);
			if (packDirectories && !entry.isBlank() && Files.isDirectory(path) && !isEmpty(path)) {
				Path jar = packed(path, directory.resolve("classes"));
				entries.add(jar.toString());
				made.add(jar);
			}
			else {
				entries.add(entry);
			}
		}
		if (first != null) {
			putFirst(entries, made, first);
		}
		return new WorkerClassPath(String.join(File.pathSeparator, entries), false, made);
	}

	/** Moves a library jar right after the application's classes, which lead. */
	private static void putFirst(List<String> entries, List<Path> made, String name) {
		int classes = 0;
		while (classes < entries.size() && made.contains(Path.of(entries.get(classes)))) {
			classes++;
		}
		for (int i = classes + 1; i < entries.size(); i++) {
			if (entries.get(i).endsWith(File.separator + name)) {
				entries.add(classes, entries.remove(i));
				return;
			}
		}
	}

	/**
	 * The file name of the jar a class was loaded from, however the service runs (a file,
	 * or a jar nested in the executable one).
	 * @param type the class
	 * @return the name, or null when it was not loaded from a jar
	 */
	static @Nullable String jarOf(Class<?> type) {
		CodeSource source = type.getProtectionDomain().getCodeSource();
		if (source == null || source.getLocation() == null) {
			return null;
		}
		String location = source.getLocation().toString();
		while (location.endsWith("/") || location.endsWith("!")) {
			location = location.substring(0, location.length() - 1);
		}
		String name = location.substring(location.lastIndexOf('/') + 1);
		return name.endsWith(".jar") ? name : null;
	}

	/**
	 * Whether every file made for this class path is still there: a cleaner of the
	 * temporary directory may have removed some since.
	 */
	boolean intact() {
		return this.made.stream().allMatch(Files::isRegularFile);
	}

	/** Its entries, in order. */
	List<String> entries() {
		return List.of(this.value.split(File.pathSeparator));
	}

	private static WorkerClassPath extracted(Path fatJar, Path directory, @Nullable String first) throws IOException {
		List<Path> made = new ArrayList<>();
		try (JarFile jar = new JarFile(fatJar.toFile())) {
			MessageDigest digest = sha256();
			List<JarEntry> classes = jar.stream()
				.filter((entry) -> entry.getName().startsWith(CLASSES) && !entry.getName().equals(CLASSES))
				.toList();
			for (JarEntry entry : classes) {
				digest.update((entry.getName() + "\0" + entry.getCrc() + "\0" + entry.getSize() + "\n")
					.getBytes(StandardCharsets.UTF_8));
			}
			Path classesJar = directory.resolve("classes").resolve(baseName(fatJar) + "-" + hex(digest) + ".jar");
			if (!Files.isRegularFile(classesJar)) {
				publish(classesJar, (out) -> {
					try (JarOutputStream packed = jarOutput(out)) {
						for (JarEntry entry : classes) {
							packed.putNextEntry(new JarEntry(entry.getName().substring(CLASSES.length())));
							if (!entry.isDirectory()) {
								try (InputStream in = jar.getInputStream(entry)) {
									in.transferTo(packed);
								}
							}
							packed.closeEntry();
						}
					}
				});
			}
			made.add(classesJar);
			List<JarEntry> libraries = new ArrayList<>(libraries(jar));
			libraries.sort(Comparator.comparing((library) -> !library.getName().equals(LIBRARIES + first)));
			for (JarEntry library : libraries) {
				String name = library.getName().substring(LIBRARIES.length());
				Path extracted = directory.resolve("lib")
					.resolve(name.substring(0, name.length() - ".jar".length()) + "-"
							+ String.format("%08x", library.getCrc()) + ".jar");
				if (!Files.isRegularFile(extracted) || Files.size(extracted) != library.getSize()) {
					// Missing, or cut short by something else than this class.
					Files.deleteIfExists(extracted);
					publish(extracted, (out) -> {
						try (InputStream in = jar.getInputStream(library)) {
							in.transferTo(out);
						}
					});
				}
				made.add(extracted);
			}
		}
		return new WorkerClassPath(String.join(File.pathSeparator, made.stream().map(Path::toString).toList()), false,
				made);
	}

	/**
	 * The executable jar's libraries in the order its launcher reads them: the
	 * {@code classpath.idx} order when it has one.
	 */
	private static List<JarEntry> libraries(JarFile jar) throws IOException {
		JarEntry index = jar.getJarEntry(CLASSPATH_INDEX);
		if (index == null) {
			return jar.stream()
				.filter((entry) -> entry.getName().startsWith(LIBRARIES) && entry.getName().endsWith(".jar"))
				.toList();
		}
		List<JarEntry> libraries = new ArrayList<>();
		try (InputStream in = jar.getInputStream(index)) {
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
				// - "BOOT-INF/lib/name.jar"
				int start = line.indexOf('"');
				int end = line.lastIndexOf('"');
				JarEntry library = (start >= 0 && end > start) ? jar.getJarEntry(line.substring(start + 1, end)) : null;
				if (library != null) {
					libraries.add(library);
				}
			}
		}
		return libraries;
	}

	/**
	 * A directory's files as a jar, named by a digest of their names, sizes and times.
	 */
	private static Path packed(Path classes, Path directory) throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(classes)) {
			files = walk.filter((path) -> !path.equals(classes)).sorted().toList();
		}
		MessageDigest digest = sha256();
		for (Path file : files) {
			boolean isDirectory = Files.isDirectory(file);
			digest.update((relative(classes, file, isDirectory) + "\0" + (isDirectory ? 0 : Files.size(file)) + "\0"
					+ Files.getLastModifiedTime(file).toMillis() + "\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		Path jar = directory.resolve(baseName(classes) + "-" + hex(digest) + ".jar");
		if (!Files.isRegularFile(jar)) {
			publish(jar, (out) -> {
				try (JarOutputStream packed = jarOutput(out)) {
					for (Path file : files) {
						boolean isDirectory = Files.isDirectory(file);
						packed.putNextEntry(new JarEntry(relative(classes, file, isDirectory)));
						if (!isDirectory) {
							Files.copy(file, packed);
						}
						packed.closeEntry();
					}
				}
			});
		}
		return jar;
	}

	private static String relative(Path root, Path file, boolean isDirectory) {
		String name = root.relativize(file).toString().replace(File.separatorChar, '/');
		return isDirectory ? name + "/" : name;
	}

	private static JarOutputStream jarOutput(OutputStream out) throws IOException {
		JarOutputStream jar = new JarOutputStream(out);
		jar.setLevel(Deflater.BEST_SPEED);
		return jar;
	}

	/**
	 * Writes a file under a name of its own, then gives it its name: no worker ever reads
	 * half a jar, and a file that is already there (another service made it meanwhile) is
	 * kept, so that a cache trained with it stays valid.
	 */
	private static void publish(Path target, Writer writer) throws IOException {
		Files.createDirectories(target.getParent());
		Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
		try {
			try (OutputStream out = Files.newOutputStream(partial)) {
				writer.write(out);
			}
			Files.move(partial, target);
		}
		catch (FileAlreadyExistsException ex) {
			// Made by another service meanwhile: the same content.
		}
		finally {
			Files.deleteIfExists(partial);
		}
	}

	private static boolean isEmpty(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.findAny().isEmpty();
		}
	}

	private static String baseName(Path path) {
		String name = path.getFileName().toString();
		return name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	/** The first 16 hex digits of a digest: enough to tell builds apart. */
	static String hex(MessageDigest digest) {
		return HexFormat.of().formatHex(digest.digest(), 0, 8);
	}

	@FunctionalInterface
	private interface Writer {

		void write(OutputStream out) throws IOException;

	}

}
