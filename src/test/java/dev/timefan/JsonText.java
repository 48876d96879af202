package dev.timefan;

import java.util.List;
import java.util.Map;

/**
 * JSON written by hand, so that a string may hold a lone surrogate (as a backslash-u
 * escape, which JSON's grammar allows, where a JSON library refuses to write one) and the
 * spelling varies: every non-ASCII character escaped or written as it is, whitespace
 * between tokens. Values are strings, lists, maps with string keys, {@link Number}s,
 * other objects written as their {@code toString()} (integers, booleans), and
 * {@link #NULL}.
 */
public final class JsonText {

	/** JSON's null: jqwik's generators make no null values. */
	public static final Object NULL = new Object();

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private JsonText() {
	}

	/**
	 * A value as JSON.
	 * @param value the value
	 * @param escapeAll whether every character beyond ASCII is escaped
	 * @param space what is written around every token
	 * @return the JSON
	 */
	public static String write(Object value, boolean escapeAll, String space) {
		StringBuilder json = new StringBuilder();
		write(json, value, escapeAll, space);
		return json.toString();
	}

	private static void write(StringBuilder json, Object value, boolean escapeAll, String space) {
		json.append(space);
		switch (value) {
			case String string -> string(json, string, escapeAll);
			case List<?> list -> {
				json.append('[');
				for (int i = 0; i < list.size(); i++) {
					json.append((i > 0) ? "," : "");
					write(json, list.get(i), escapeAll, space);
				}
				json.append(space).append(']');
			}
			case Map<?, ?> map -> {
				json.append('{');
				int i = 0;
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					json.append((i++ > 0) ? "," : "").append(space);
					string(json, (String) entry.getKey(), escapeAll);
					json.append(space).append(':');
					write(json, entry.getValue(), escapeAll, space);
				}
				json.append(space).append('}');
			}
			case Number number -> json.append(number.text());
			default -> json.append((value == NULL) ? "null" : value.toString());
		}
		json.append(space);
	}

	private static void string(StringBuilder json, String value, boolean escapeAll) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20 || (escapeAll && c >= 0x7F) || loneSurrogate(value, i)) {
				json.append("\\u")
					.append(HEX[c >> 12])
					.append(HEX[(c >> 8) & 0xf])
					.append(HEX[(c >> 4) & 0xf])
					.append(HEX[c & 0xf]);
			}
			else {
				json.append(c);
			}
		}
		json.append('"');
	}

	private static boolean loneSurrogate(String value, int i) {
		char c = value.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
		}
		return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
	}

	/**
	 * A number as written, however large or malformed.
	 *
	 * @param text the number
	 */
	public record Number(String text) {

	}

}
