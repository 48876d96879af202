package dev.timefan.web;

import java.util.OptionalLong;

import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;

/**
 * Recognises which of its limits Tomcat hit from the message it wrote: Tomcat says which
 * limit only in the text of an exception it builds from its own message bundles (in the
 * JVM's default locale, which these managers use too), never in its type.
 */
final class TomcatMessages {

	/** Http11InputBuffer's messages: the request line and headers. */
	static final StringManager HTTP11 = StringManager.getManager("org.apache.coyote.http11");

	/** Parameters', MimeHeaders' and ServerCookies' messages: their counts. */
	static final StringManager HTTP = StringManager.getManager("org.apache.tomcat.util.http");

	private TomcatMessages() {
	}

	/**
	 * Whether a message is the one of a key that takes no argument.
	 * @param messages the bundle
	 * @param key the key
	 * @param message the message seen
	 * @return whether they are the same
	 */
	static boolean is(StringManager messages, String key, @Nullable String message) {
		return message != null && message.equals(messages.getString(key));
	}

	/**
	 * The number in a message of a key whose one argument is a number, such as
	 * {@code parameters.maxCountFail}'s limit.
	 * @param messages the bundle
	 * @param key the key
	 * @param message the message seen
	 * @return the number, or empty when the message is not that key's
	 */
	static OptionalLong number(StringManager messages, String key, @Nullable String message) {
		String pattern = messages.getString(key);
		int at = pattern.indexOf("{0}");
		if (message == null || at < 0) {
			return OptionalLong.empty();
		}
		String prefix = pattern.substring(0, at).replace("''", "'");
		String suffix = pattern.substring(at + 3).replace("''", "'");
		if (message.length() <= prefix.length() + suffix.length() || !message.startsWith(prefix)
				|| !message.endsWith(suffix)) {
			return OptionalLong.empty();
		}
		String argument = message.substring(prefix.length(), message.length() - suffix.length());
		StringBuilder digits = new StringBuilder();
		for (int i = 0; i < argument.length(); i++) {
			char c = argument.charAt(i);
			if (Character.isDigit(c)) {
				digits.append(Character.digit(c, 10));
			}
			else if (Character.isLetter(c)) {
				return OptionalLong.empty();
			}
		}
		return (!digits.isEmpty() && digits.length() < 19) ? OptionalLong.of(Long.parseLong(digits.toString()))
				: OptionalLong.empty();
	}

}
