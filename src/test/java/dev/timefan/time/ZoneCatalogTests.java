package dev.timefan.time;

import java.util.List;
import java.util.Locale;

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
