package dev.timefan.time;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.timefan.Hostile;
import dev.timefan.Hostile.Attempt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests of {@link ZoneCatalog}'s lookups of what a caller typed: every
 * catalog name is found under any case, anything else finds a catalog zone or nothing,
 * and suggestions are at most five catalog names, for any string, without throwing.
 */
class ZoneCatalogFuzzTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final Set<String> NAMES = Set.copyOf(CATALOG.names());

	@Property(tries = 500)
	void everyCatalogNameIsFoundUnderAnyMixOfCases(@ForAll("names") String name, @ForAll long flips) {
		StringBuilder mixed = new StringBuilder(name);
		for (int i = 0; i < mixed.length(); i++) {
			if ((flips >>> (i % 64) & 1) != 0) {
				char c = mixed.charAt(i);
				mixed.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
			}
		}

		Zone zone = CATALOG.find(mixed.toString());

		assertThat(zone).as("find(\"%s\")", mixed).isNotNull();
		assertThat(zone.name()).isEqualTo(name);
	}

	@Example
	void everyCatalogNameIsFoundAsItselfInUpperAndInLowerCase() {
		for (String name : CATALOG.names()) {
			for (String asked : List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) {
				Zone zone = CATALOG.find(asked);
				assertThat(zone).as("find(\"%s\")", asked).isNotNull();
				assertThat(zone.name()).as("find(\"%s\")", asked).isEqualTo(name);
			}
		}
	}

	@Property(tries = 500)
	void findAnswersACatalogZoneOfTheNameAskedOrNothing(@ForAll("hostile") String asked) {
		Attempt<Zone> found = Hostile.attempt(() -> CATALOG.find(asked));

		assertThat(found.thrown()).as("find threw").isNull();
		Zone zone = found.value();
		if (zone != null) {
			assertThat(NAMES).contains(zone.name());
			assertThat(asked.equalsIgnoreCase(zone.name())).as("'%s' found as %s", asked, zone.name()).isTrue();
		}
	}

	@Property(tries = 500)
	void suggestionsAreAtMostFiveDistinctCatalogNames(@ForAll("hostile") String asked) {
		Attempt<List<String>> suggested = Hostile.attempt(() -> CATALOG.suggest(asked));

		assertThat(suggested.thrown()).as("suggest threw").isNull();
		assertThat(suggested.value()).hasSizeLessThanOrEqualTo(5).doesNotHaveDuplicates().isSubsetOf(NAMES);
	}

	@Property(tries = 500)
	void aNameOneEditFromARealOneGetsSuggestions(@ForAll("names") String name,
			@ForAll("oneEdit") Hostile.Mutation edit) {
		String asked = edit.apply(name);
		if (asked.isBlank() || CATALOG.find(asked) != null) {
			return;
		}

		assertThat(CATALOG.suggest(asked)).as("suggest(\"%s\")", asked).isNotEmpty().isSubsetOf(NAMES);
	}

	@Property(tries = 200)
	void namesUnderAnAreaAreCatalogNamesUnderIt(@ForAll("hostile") String area) {
		Attempt<List<String>> under = Hostile.attempt(() -> CATALOG.namesUnder(area));

		assertThat(under.thrown()).as("namesUnder threw").isNull();
		assertThat(under.value()).isSubsetOf(NAMES)
			.allSatisfy((name) -> assertThat(name.toLowerCase(Locale.ROOT))
				.startsWith(area.toLowerCase(Locale.ROOT) + "/"));
	}

	@Example
	void aTenMegabyteNameIsNoZoneAndGetsNoSuggestions() {
		String asked = "Asia/Kolkata".repeat(1_000_000);

		Attempt<List<String>> suggested = Hostile.attempt(() -> CATALOG.suggest(asked));

		assertThat(CATALOG.find(asked)).isNull();
		assertThat(suggested.value()).isEmpty();
	}

	@Provide
	Arbitrary<String> names() {
		return Arbitraries.of(CATALOG.names());
	}

	@Provide
	Arbitrary<String> hostile() {
		return Hostile.strings();
	}

	/** Single edits that keep a name within the suggestion threshold of the original. */
	@Provide
	Arbitrary<Hostile.Mutation> oneEdit() {
		return Hostile.mutations().filter((mutation) -> switch (mutation.kind()) {
			case INSERT, DELETE, REPLACE, FLIP_CASE, TRANSPOSE, UPPER_CASE -> true;
			default -> false;
		});
	}

}
