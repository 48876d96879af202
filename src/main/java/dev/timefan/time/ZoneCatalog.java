package dev.timefan.time;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.text.similarity.LevenshteinDistance;
import org.joda.time.DateTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * Every zone name the tz database release knows (canonical names, aliases, one-segment
 * names such as {@code UTC} or {@code GB}), looked up case-insensitively. Only names of
 * this catalog ever leave it: callers hand on {@link Zone#name()}, never what was asked.
 */
public final class ZoneCatalog {

	/**
	 * Names longer than this are no zone and get no suggestions (the longest real one has
	 * 32).
	 */
	static final int MAX_NAME_LENGTH = 64;

	private static final int MAX_SUGGESTIONS = 5;

	private final Map<String, Zone> byLowerCaseName;

	private final List<String> names;

	private ZoneCatalog(Set<String> ids) {
		Map<String, Zone> zones = new HashMap<>();
		for (String id : ids) {
			zones.put(id.toLowerCase(Locale.ROOT), new Zone(id, DateTimeZone.forID(id)));
		}
		this.byLowerCaseName = Map.copyOf(zones);
		this.names = ids.stream().sorted().toList();
	}

	/**
	 * The catalog of the tz database release that Joda-Time ships.
	 * @return the catalog
	 */
	public static ZoneCatalog load() {
		return new ZoneCatalog(DateTimeZone.getAvailableIDs());
	}

	/**
	 * The zone of a name, matched case-insensitively.
	 * @param name a zone name as asked, such as {@code asia/kolkata}
	 * @return the zone, or null when the catalog has no such name
	 */
	public @Nullable Zone find(String name) {
		if (name.length() > MAX_NAME_LENGTH) {
			return null;
		}
		return this.byLowerCaseName.get(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Every name, sorted.
	 * @return the names
	 */
	public List<String> names() {
		return this.names;
	}

	/**
	 * The names under an area, such as every {@code Europe/...} name for {@code europe}.
	 * @param area the first segment, matched case-insensitively
	 * @return the names under it, sorted; empty when there is no such area
	 */
	public List<String> namesUnder(String area) {
		String prefix = area.toLowerCase(Locale.ROOT) + "/";
		return this.names.stream().filter((name) -> name.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
	}

	/**
	 * The closest names to an unknown one, by Levenshtein distance on the whole name and
	 * on its last segment (so {@code Kolkatta} and {@code India/Kolkata} both find
	 * {@code Asia/Kolkata}).
	 * @param name the unknown name
	 * @return up to five names, closest first; empty when nothing is close
	 */
	public List<String> suggest(String name) {
		if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
			return List.of();
		}
		String asked = name.toLowerCase(Locale.ROOT);
		String askedCity = lastSegment(asked);
		int threshold = Math.max(2, asked.length() / 3);
		LevenshteinDistance distance = new LevenshteinDistance(threshold);
		List<Scored> scored = new ArrayList<>();
		for (Map.Entry<String, Zone> entry : this.byLowerCaseName.entrySet()) {
			String candidate = entry.getKey();
			int whole = distance.apply(asked, candidate);
			int city = distance.apply(askedCity, lastSegment(candidate));
			int best = minKnown(whole, city);
			if (best >= 0) {
				scored.add(new Scored(entry.getValue().name(), best));
			}
		}
		return scored.stream()
			.sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
			.limit(MAX_SUGGESTIONS)
			.map(Scored::name)
			.toList();
	}

	/**
	 * How many names the catalog holds.
	 * @return the number of names
	 */
	public int size() {
		return this.names.size();
	}

	private static String lastSegment(String name) {
		return name.substring(name.lastIndexOf('/') + 1);
	}

	/** The smaller of two distances, where -1 means "over the threshold". */
	private static int minKnown(int a, int b) {
		if (a < 0) {
			return b;
		}
		return (b < 0) ? a : Math.min(a, b);
	}

	private record Scored(String name, int distance) {
	}

}
