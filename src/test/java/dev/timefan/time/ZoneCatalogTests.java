package dev.timefan.time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.text.similarity.LevenshteinDistance;

import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZoneCatalog}.
 */
class ZoneCatalogTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	/** 2026-07-01T12:00:00Z, when London is on BST. */
	private static final long JULY_2026 = new DateTime(2026, 7, 1, 12, 0, DateTimeZone.UTC).getMillis();

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(textBlock = """
			# asked,                          name,                           offset on 2026-07-01 (ms)
			gb,                               GB,                             3600000
			GB,                               GB,                             3600000
			asia/calcutta,                    Asia/Calcutta,                  19800000
			ASIA/KOLKATA,                     Asia/Kolkata,                   19800000
			america/new_york,                 America/New_York,               -14400000
			america/argentina/buenos_aires,   America/Argentina/Buenos_Aires, -10800000
			etc/gmt+5,                        Etc/GMT+5,                      -18000000
			utc,                              UTC,                            0
			zulu,                             Zulu,                           0
			""")
	void findAnswersTheCatalogsSpellingOfTheNameAskedWithItsRules(String asked, String name, int offsetMillis) {
		Zone zone = CATALOG.find(asked);
		assertThat(zone).isNotNull();
		assertThat(zone.name()).isEqualTo(name);
		assertThat(zone.rules().getOffset(JULY_2026)).isEqualTo(offsetMillis);
	}

	@ParameterizedTest(name = "[{0}]")
	@CsvSource(textBlock = """
			Mars/Olympus
			Asia/Kolkatta
			Europe
			Asia/Kolkata/
			''
			""")
	void findAnswersNullForUnknownNames(String asked) {
		assertThat(CATALOG.find(asked)).isNull();
	}

	@Test
	void zonesReadAtTheirFirstLookupAreTheZonesAPreloadedCatalogHolds() {
		ZoneCatalog lazy = ZoneCatalog.load();
		ZoneCatalog preloaded = ZoneCatalog.load().preload();
		assertThat(lazy.names()).isEqualTo(preloaded.names()).hasSize(CATALOG.size());
		for (String name : preloaded.names()) {
			Zone zone = lazy.find(name.toUpperCase(Locale.ROOT));
			assertThat(zone).as(name).isNotNull();
			assertThat(zone.name()).isEqualTo(name);
			assertThat(zone.rules()).isEqualTo(preloaded.find(name).rules());
			assertThat(lazy.find(name)).as("read once, then kept").isSameAs(zone);
		}
	}

	@Test
	void findAnswersNullForNamesOverSixtyFourCharacters() {
		assertThat(CATALOG.find("America/Argentina/" + "Buenos_Aires".repeat(4))).isNull();
		assertThat(CATALOG.find("x".repeat(10_000))).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			Asia/Kolkatta
			Kolkata
			india/kolkata
			Asia/Kolkata2
			""")
	void suggestionsForMisspelledNamesStartWithTheClosestZone(String asked) {
		List<String> suggestions = CATALOG.suggest(asked);
		assertThat(suggestions).hasSizeBetween(1, 5).startsWith("Asia/Kolkata").doesNotHaveDuplicates();
		assertThat(CATALOG.names()).containsAll(suggestions);
	}

	@ParameterizedTest(name = "[{0}]")
	@CsvSource(textBlock = """
			''
			'   '
			zzzzzzzzzzzzzzzzzzzzzzzz
			""")
	void suggestionsAreEmptyForBlankNamesAndNamesCloseToNothing(String asked) {
		assertThat(CATALOG.suggest(asked)).isEmpty();
	}

	@Test
	void suggestionsAreEmptyForAbsurdlyLongNames() {
		assertThat(CATALOG.suggest("Asia/Kolkata" + " ".repeat(60))).isEmpty();
		assertThat(CATALOG.suggest("Asia/" + "Kolkata".repeat(10))).isEmpty();
		assertThat(CATALOG.suggest("x".repeat(100_000))).isEmpty();
	}

	/**
	 * The bigram index only skips work: for every name one edit (a deletion, an
	 * insertion, a substitution, a swap) or a case change away from a catalog name, the
	 * suggestions are those of a comparison with every name.
	 */
	@Test
	void suggestionsOfTheIndexAreThoseOfAComparisonWithEveryName() {
		List<String> asked = new ArrayList<>();
		// Every third name: the comparison with every name costs seconds for all of them.
		for (int i = 0; i < CATALOG.size(); i += 3) {
			String name = CATALOG.names().get(i);
			int middle = name.length() / 2;
			asked.add(name.substring(0, middle) + name.substring(middle + 1));
			asked.add(name.substring(0, middle) + "x" + name.substring(middle));
			asked.add(name.substring(0, middle) + "q" + name.substring(middle + 1));
			asked.add(name.substring(0, middle - 1) + name.charAt(middle) + name.charAt(middle - 1)
					+ name.substring(middle + 1));
			asked.add(name.substring(name.lastIndexOf('/') + 1) + "_Town");
			asked.add("Elsewhere/" + name.substring(name.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT));
		}
		assertThat(asked).hasSizeGreaterThan(1000)
			.allSatisfy((name) -> assertThat(CATALOG.suggest(name)).as(name).isEqualTo(everyName(name)));
	}

	/** The suggestions of a comparison with every name, without the index. */
	private static List<String> everyName(String name) {
		String asked = name.toLowerCase(Locale.ROOT);
		String askedCity = asked.substring(asked.lastIndexOf('/') + 1);
		LevenshteinDistance distance = new LevenshteinDistance(ZoneCatalog.threshold(asked));
		LevenshteinDistance cityDistance = new LevenshteinDistance(ZoneCatalog.threshold(askedCity));
		Map<String, Integer> scored = new HashMap<>();
		for (String candidate : CATALOG.names()) {
			String lower = candidate.toLowerCase(Locale.ROOT);
			int whole = distance.apply(asked, lower);
			int city = cityDistance.apply(askedCity, lower.substring(lower.lastIndexOf('/') + 1));
			int best = (whole < 0) ? city : (city < 0) ? whole : Math.min(whole, city);
			if (best >= 0) {
				scored.put(candidate, best);
			}
		}
		return scored.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
			.limit(5)
			.map(Map.Entry::getKey)
			.toList();
	}

	@Test
	void namesAreSortedAndIncludeAliasesAndOneSegmentNames() {
		assertThat(CATALOG.names()).isSorted()
			.doesNotHaveDuplicates()
			.contains("UTC", "GB", "Zulu", "CET", "EST", "Etc/GMT+5", "Etc/GMT-14", "Asia/Calcutta", "Asia/Kolkata",
					"America/Argentina/Buenos_Aires")
			.hasSize(CATALOG.size())
			.hasSizeGreaterThan(500);
	}

	@Test
	void namesUnderAnAreaAreThatAreasZonesMatchedCaseInsensitively() {
		List<String> europe = CATALOG.namesUnder("europe");
		assertThat(europe).isNotEmpty()
			.allMatch((name) -> name.startsWith("Europe/"))
			.contains("Europe/London")
			.isSorted();
		assertThat(CATALOG.namesUnder("EUROPE")).isEqualTo(europe);
		assertThat(CATALOG.namesUnder("America")).contains("America/New_York", "America/Argentina/Buenos_Aires")
			.allMatch((name) -> name.startsWith("America/"));
		assertThat(CATALOG.namesUnder("america/argentina")).contains("America/Argentina/Buenos_Aires")
			.doesNotContain("America/New_York");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			Mars
			UTC
			Europe/London
			Eur
			""")
	void namesUnderAnythingButAnAreaAreEmpty(String area) {
		assertThat(CATALOG.namesUnder(area)).isEmpty();
	}

}
