package dev.timefan.time;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.commons.text.similarity.LevenshteinDistance;
import org.joda.time.DateTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * Every zone name the tz database release knows (canonical names, aliases, one-segment
 * names such as {@code UTC} or {@code GB}), looked up case-insensitively. Only names of
 * this catalog ever leave it: callers hand on {@link Zone#name()}, never what was asked.
 * A zone's rules are read from the release at its first lookup, or all at once by
 * {@link #preload()}: reading all of them is most of a worker process's start.
 */
public final class ZoneCatalog {

	/**
	 * Names longer than this are no zone and get no suggestions (the longest real one has
	 * 32).
	 */
	static final int MAX_NAME_LENGTH = 64;

	private static final int MAX_SUGGESTIONS = 5;

	/** The most edits a suggestion may be away from the name asked. */
	static final int MAX_EDITS = 4;

	/** Each name by its lower-case form. */
	private final Map<String, String> byLowerCaseName;

	private final List<String> names;

	/**
	 * Made at the first {@link #suggest}: a worker process, which is only ever sent known
	 * names, never makes it, and starts sooner.
	 */
	private volatile @Nullable SuggestionIndex suggestionIndex;

	/** The zones whose rules have been read, by name. */
	private final ConcurrentMap<String, Zone> zones = new ConcurrentHashMap<>();

	private ZoneCatalog(Set<String> ids) {
		Map<String, String> names = new HashMap<>();
		for (String id : ids) {
			names.put(id.toLowerCase(Locale.ROOT), id);
		}
		this.byLowerCaseName = Map.copyOf(names);
		this.names = ids.stream().sorted().toList();
	}

	private SuggestionIndex suggestionIndex() {
		SuggestionIndex index = this.suggestionIndex;
		if (index == null) {
			synchronized (this) {
				index = this.suggestionIndex;
				if (index == null) {
					index = SuggestionIndex.of(this.names);
					this.suggestionIndex = index;
				}
			}
		}
		return index;
	}

	/**
	 * The catalog of the tz database release that Joda-Time ships; each zone's rules are
	 * read at its first lookup.
	 * @return the catalog
	 */
	public static ZoneCatalog load() {
		return new ZoneCatalog(DateTimeZone.getAvailableIDs());
	}

	/**
	 * Reads the rules of every zone not read yet, so no lookup pays for it.
	 * @return this catalog
	 */
	public ZoneCatalog preload() {
		this.names.forEach(this::zone);
		return this;
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
		String id = this.byLowerCaseName.get(name.toLowerCase(Locale.ROOT));
		return (id != null) ? zone(id) : null;
	}

	private Zone zone(String id) {
		Zone zone = this.zones.get(id);
		return (zone != null) ? zone : this.zones.computeIfAbsent(id, (key) -> new Zone(key, DateTimeZone.forID(key)));
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
	 * {@code Asia/Kolkata}), each within a third of its length and at most
	 * {@value #MAX_EDITS} edits. The bigram index rules out, before any distance is
	 * computed, every name that shares too few bigrams to be that close (the q-gram
	 * lemma), so an unknown name costs microseconds, not a pass over the whole catalog.
	 * @param name the unknown name
	 * @return up to five names, closest first; empty when nothing is close
	 */
	public List<String> suggest(String name) {
		if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
			return List.of();
		}
		String asked = name.toLowerCase(Locale.ROOT);
		String askedCity = lastSegment(asked);
		int threshold = threshold(asked);
		int cityThreshold = threshold(askedCity);
		SuggestionIndex index = suggestionIndex();
		int[] shared = index.whole().shared(asked);
		int[] sharedCity = index.city().shared(askedCity);
		LevenshteinDistance distance = new LevenshteinDistance(threshold);
		LevenshteinDistance cityDistance = new LevenshteinDistance(cityThreshold);
		List<Scored> scored = new ArrayList<>();
		String[] names = index.names();
		String[] cities = index.cities();
		for (int i = 0; i < names.length; i++) {
			int whole = Bigrams.mayBeWithin(asked, names[i], shared[i], threshold) ? distance.apply(asked, names[i])
					: -1;
			int city = Bigrams.mayBeWithin(askedCity, cities[i], sharedCity[i], cityThreshold)
					? cityDistance.apply(askedCity, cities[i]) : -1;
			int best = minKnown(whole, city);
			if (best >= 0) {
				scored.add(new Scored(this.names.get(i), best));
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

	/**
	 * The edits a suggestion may be away: a third of the length compared, at least two,
	 * at most {@value #MAX_EDITS}.
	 * @param asked what is compared: the whole name or its last segment
	 * @return the most edits
	 */
	static int threshold(String asked) {
		return Math.min(MAX_EDITS, Math.max(2, asked.length() / 3));
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

	/**
	 * The catalog's names lower-cased and their last segments, in the catalog's order,
	 * with a bigram index of each.
	 */
	private record SuggestionIndex(String[] names, String[] cities, Bigrams whole, Bigrams city) {

		static SuggestionIndex of(List<String> catalog) {
			String[] names = catalog.stream().map((id) -> id.toLowerCase(Locale.ROOT)).toArray(String[]::new);
			String[] cities = Arrays.stream(names).map(ZoneCatalog::lastSegment).toArray(String[]::new);
			return new SuggestionIndex(names, cities, new Bigrams(names), new Bigrams(cities));
		}

	}

}
