package dev.timefan.time;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.joda.time.DateTimeZone;

/**
 * The tz database release that answers, read from the manifest of the Joda-Time jar that
 * ships it.
 *
 * @param version the IANA release, such as {@code 2026f}
 * @param build the release as the library names its build, such as {@code 2026fgtz}
 * (global-tz)
 * @param library the library and its version, such as {@code joda-time 2.15.1}
 */
public record TzRelease(String version, String build, String library) {

	private static final Pattern IANA_RELEASE = Pattern.compile("^(\\d{4}[a-z])");

	/**
	 * Reads the release from the manifest beside Joda-Time's own classes, so it names the
	 * jar that really answers, whichever way the application runs (classes, fat jar,
	 * extracted layout).
	 * @return the release
	 */
	public static TzRelease detect() {
		URL classFile = DateTimeZone.class.getResource("DateTimeZone.class");
		String libraryVersion = DateTimeZone.class.getPackage().getImplementationVersion();
		String build = "unknown";
		if (classFile != null) {
			String url = classFile.toString();
			String manifest = url.substring(0, url.length() - "org/joda/time/DateTimeZone.class".length())
					+ "META-INF/MANIFEST.MF";
			try (InputStream in = URI.create(manifest).toURL().openStream()) {
				Manifest read = new Manifest(in);
				String value = read.getMainAttributes().getValue("Time-Zone-Database-Version");
				if (value != null) {
					build = value;
				}
				if (libraryVersion == null) {
					libraryVersion = read.getMainAttributes().getValue("Implementation-Version");
				}
			}
			catch (IOException | IllegalArgumentException ex) {
				// No manifest to read: the release stays unknown rather than failing
				// start-up.
			}
		}
		Matcher matcher = IANA_RELEASE.matcher(build);
		String version = matcher.find() ? matcher.group(1) : build;
		return new TzRelease(version, build, "joda-time " + ((libraryVersion != null) ? libraryVersion : "unknown"));
	}

}
