package dev.timefan;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import dev.timefan.time.ZoneCatalog;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.function.ThrowingSupplier;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What the fuzz tests feed the parsers of what callers and workers send: strings a caller
 * may type or forge (random unicode, lone surrogates, case traps of {@link Locale#ROOT},
 * separators, huge ones, near misses of real zone names), and a bounded wait for each try
 * that only a real hang trips.
 */
public final class Hostile {

	/** How long one try may take: generous, so only a hang trips it. */
	public static final Duration TRY_BOUND = Duration.ofSeconds(10);

	/** The real names, to mutate into near misses. */
	public static final List<String> ZONE_NAMES = ZoneCatalog.load().names();

	/**
	 * Characters that mean something to a path, a query, a JSON string, a case mapping or
	 * a terminal: separators, escapes, controls, characters whose case mapping changes
	 * their length or maps them into ASCII (Kelvin sign, dotted capital I, long s, sharp
	 * s, ligatures), invisible and direction marks, lone surrogates and a surrogate pair.
	 */
	public static final String TRICKY = "\u0000\t\n\r /\\,;.%?#&=+\"'<>{}|^`~_-:@!$()*[]"
			+ "\u0130\u0131\u212A\u212B\u017F\u00DF\uFB00\u0149\u03A3\u03C2\u0301\u200B\u202E\uFEFF\uFFFD\uFFFF"
			+ "\u00A0\u2028\u0085\u007F\uD800\uDC00\uD83D\uDE00\u00E9\u00C9\u0399\u1E9E";

	private static final String SEPARATORS = "/_- .,;\\+:";

	private Hostile() {
	}

	/**
	 * Anything a caller may send as a name, huge strings included.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> strings() {
		return Arbitraries.frequencyOf(Tuple.of(10, names()), Tuple.of(1, huge()));
	}

	/**
	 * What a caller may send as a name, up to a few hundred characters: near misses of
	 * real names, real names, tricky characters, random unicode and ASCII.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> names() {
		return Arbitraries.frequencyOf(Tuple.of(3, nearZoneNames()), Tuple.of(2, tricky()),
				Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)), Tuple.of(1, codePoints()),
				Tuple.of(1, Arbitraries.of(ZONE_NAMES)), Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(70)));
	}

	/**
	 * Short strings of {@link #TRICKY} characters and ASCII letters.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> tricky() {
		return Arbitraries.strings().withChars(TRICKY).withCharRange('a', 'z').withCharRange('A', 'Z').ofMaxLength(30);
	}

	/**
	 * Strings of any code points, supplementary ones included.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> codePoints() {
		return Arbitraries.integers()
			.between(0, Character.MAX_CODE_POINT)
			.list()
			.ofMaxSize(20)
			.map((points) -> points.stream()
				.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
				.toString());
	}

	/**
	 * Strings from just over the longest name the catalog considers to 300,000
	 * characters.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> huge() {
		return Combinators
			.combine(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8),
					Arbitraries.integers().between(65, 300_000))
			.as((unit, length) -> unit.repeat(length / unit.length() + 1).substring(0, length));
	}

	/**
	 * Real zone names after one to three mutations: a character inserted, deleted or
	 * replaced, a case flipped, a separator swapped, a segment doubled or cut, neighbours
	 * transposed.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> nearZoneNames() {
		return Combinators.combine(Arbitraries.of(ZONE_NAMES), mutations().list().ofMinSize(1).ofMaxSize(3))
			.as(Hostile::mutate);
	}

	/**
	 * One mutation of a name.
	 * @return the arbitrary
	 */
	public static Arbitrary<Mutation> mutations() {
		Arbitrary<Character> chars = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.chars().alpha()),
				Tuple.of(2, Arbitraries.of(SEPARATORS.chars().mapToObj((c) -> (char) c).toList())),
				Tuple.of(2, Arbitraries.of(TRICKY.chars().mapToObj((c) -> (char) c).toList())),
				Tuple.of(1, Arbitraries.chars().all()));
		return Combinators.combine(Arbitraries.of(Mutation.Kind.class), Arbitraries.integers().between(0, 63), chars)
			.as(Mutation::new);
	}

	/**
	 * A name after its mutations, applied in order.
	 * @param name the name
	 * @param mutations the mutations
	 * @return the mutated name
	 */
	public static String mutate(String name, List<Mutation> mutations) {
		String mutated = name;
		for (Mutation mutation : mutations) {
			mutated = mutation.apply(mutated);
		}
		return mutated;
	}

	/**
	 * Runs a try within {@link #TRY_BOUND}, catching whatever it throws, so a property
	 * can judge the exception; a hang fails the try.
	 * @param <T> what the try returns
	 * @param work the try
	 * @return what it returned or threw
	 */
	public static <T> Attempt<T> attempt(ThrowingSupplier<T> work) {
		return attempt(TRY_BOUND, work);
	}

	/**
	 * Runs a try within a bound, catching whatever it throws, so a property can judge the
	 * exception; a hang fails the try.
	 * @param <T> what the try returns
	 * @param bound how long the try may take
	 * @param work the try
	 * @return what it returned or threw
	 */
	public static <T> Attempt<T> attempt(Duration bound, ThrowingSupplier<T> work) {
		return assertTimeoutPreemptively(bound, () -> {
			try {
				return new Attempt<>(work.get(), null);
			}
			catch (Throwable ex) {
				return new Attempt<>(null, ex);
			}
		}, () -> "a try took longer than " + bound.toSeconds() + " s: a hang");
	}

	/**
	 * A string of a character repeated.
	 * @param c the character
	 * @param count how many
	 * @return the string
	 */
	public static String repeat(char c, int count) {
		return String.valueOf(c).repeat(count);
	}

	/**
	 * What a try returned, or what it threw.
	 *
	 * @param <T> what it returns
	 * @param value the value returned, or null when it threw
	 * @param thrown what it threw, or null
	 */
	public record Attempt<T>(@Nullable T value, @Nullable Throwable thrown) {

	}

	/**
	 * An edit of a name at a position (taken modulo the name's length).
	 *
	 * @param kind the edit
	 * @param position where
	 * @param c the character inserted or written, or the separator swapped in
	 */
	public record Mutation(Kind kind, int position, char c) {

		public String apply(String name) {
			if (name.isEmpty()) {
				return (this.kind == Kind.INSERT) ? String.valueOf(this.c) : name;
			}
			int at = this.position % name.length();
			return switch (this.kind) {
				case INSERT -> name.substring(0, at) + this.c + name.substring(at);
				case DELETE -> name.substring(0, at) + name.substring(at + 1);
				case REPLACE -> name.substring(0, at) + this.c + name.substring(at + 1);
				case FLIP_CASE -> name.substring(0, at) + flip(name.charAt(at)) + name.substring(at + 1);
				case SWAP_SEPARATORS -> swapSeparators(name, this.c);
				case DOUBLE_SEGMENT -> name + "/" + name.substring(name.lastIndexOf('/') + 1);
				case CUT -> name.substring(0, at);
				case TRANSPOSE -> (at + 1 < name.length())
						? name.substring(0, at) + name.charAt(at + 1) + name.charAt(at) + name.substring(at + 2) : name;
				case UPPER_CASE -> name.toUpperCase(Locale.ROOT);
			};
		}

		private static char flip(char c) {
			return Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
		}

		private static String swapSeparators(String name, char separator) {
			IntFunction<String> swap = (c) -> (c == '/' || c == '_' || c == '-') ? String.valueOf(separator)
					: String.valueOf((char) c);
			StringBuilder swapped = new StringBuilder(name.length());
			name.chars().mapToObj(swap).forEach(swapped::append);
			return swapped.toString();
		}

		/** The edits. */
		public enum Kind {

			INSERT, DELETE, REPLACE, FLIP_CASE, SWAP_SEPARATORS, DOUBLE_SEGMENT, CUT, TRANSPOSE, UPPER_CASE

		}

	}

}
