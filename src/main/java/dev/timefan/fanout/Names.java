package dev.timefan.fanout;

/**
 * Quoting what a caller sent in an error message without echoing a 5,000-character name
 * back.
 */
final class Names {

	private static final int LIMIT = 64;

	private Names() {
	}

	static String shorten(String value) {
		return (value.length() <= LIMIT) ? value : value.substring(0, LIMIT) + "...";
	}

}
