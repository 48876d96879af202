package dev.timefan.time;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A bigram index of a fixed list of strings: for a query, how many of its bigrams each
 * string shares. Two strings within {@code k} edits share at least
 * {@code max(|a|, |b|) - 1 - 2k} bigrams (the q-gram lemma), so a string that shares
 * fewer cannot be that close and needs no distance computed.
 */
final class Bigrams {

	/** For each bigram, the strings that hold it, each once. */
	private final Map<Integer, int[]> postings;

	private final int size;

	Bigrams(String[] strings) {
		Map<Integer, Set<Integer>> holders = new HashMap<>();
		for (int i = 0; i < strings.length; i++) {
			String value = strings[i];
			for (int at = 0; at + 1 < value.length(); at++) {
				holders.computeIfAbsent(key(value, at), (key) -> new LinkedHashSet<>()).add(i);
			}
		}
		Map<Integer, int[]> postings = new HashMap<>();
		holders.forEach((key, ids) -> postings.put(key, ids.stream().mapToInt(Integer::intValue).toArray()));
		this.postings = Map.copyOf(postings);
		this.size = strings.length;
	}

	/**
	 * How many of the query's bigrams each string holds; a bigram the query holds twice
	 * counts twice, so the count is never below the true number shared.
	 * @param query the query
	 * @return a count per string, in the index's order
	 */
	int[] shared(String query) {
		int[] counts = new int[this.size];
		for (int at = 0; at + 1 < query.length(); at++) {
			int[] holders = this.postings.get(key(query, at));
			if (holders != null) {
				for (int holder : holders) {
					counts[holder]++;
				}
			}
		}
		return counts;
	}

	/**
	 * Whether two strings sharing {@code shared} bigrams may be within {@code edits} of
	 * each other.
	 */
	static boolean mayBeWithin(String a, String b, int shared, int edits) {
		return Math.abs(a.length() - b.length()) <= edits && shared >= Math.max(a.length(), b.length()) - 1 - 2 * edits;
	}

	private static int key(String value, int at) {
		return (value.charAt(at) << 16) | value.charAt(at + 1);
	}

}
