package dev.timefan.zones;

import java.time.Instant;
import java.util.List;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZoneTransitions}: every expected value is derived from the tz rules
 * (EU: last Sundays of March and October at 01:00 UTC; US: second Sunday of March and
 * first Sunday of November at 02:00 local; Lord Howe: half an hour of DST from the first
 * Sunday of October to the first Sunday of April, at 02:00 local), never from a run of
 * the code.
 */
class ZoneTransitionsTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final Instant YEAR_2026 = Instant.parse("2026-01-01T00:00:00Z");

	private static final Instant YEAR_2027 = Instant.parse("2027-01-01T00:00:00Z");

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# zone              | instant                   | unixtime   | before datetime           | before | abbr   | dst   | after datetime            | after  | abbr   | dst
					Europe/London       | 2026-03-29T01:00:00+00:00 | 1774746000 | 2026-03-29T01:00:00+00:00 | +00:00 | GMT    | false | 2026-03-29T02:00:00+01:00 | +01:00 | BST    | true
					Europe/London       | 2026-10-25T01:00:00+00:00 | 1792890000 | 2026-10-25T02:00:00+01:00 | +01:00 | BST    | true  | 2026-10-25T01:00:00+00:00 | +00:00 | GMT    | false
					America/New_York    | 2026-03-08T07:00:00+00:00 | 1772953200 | 2026-03-08T02:00:00-05:00 | -05:00 | EST    | false | 2026-03-08T03:00:00-04:00 | -04:00 | EDT    | true
					America/New_York    | 2026-11-01T06:00:00+00:00 | 1793512800 | 2026-11-01T02:00:00-04:00 | -04:00 | EDT    | true  | 2026-11-01T01:00:00-05:00 | -05:00 | EST    | false
					Australia/Lord_Howe | 2026-04-04T15:00:00+00:00 | 1775314800 | 2026-04-05T02:00:00+11:00 | +11:00 | +11    | true  | 2026-04-05T01:30:00+10:30 | +10:30 | +1030  | false
					Australia/Lord_Howe | 2026-10-03T15:30:00+00:00 | 1791041400 | 2026-10-04T02:00:00+10:30 | +10:30 | +1030  | false | 2026-10-04T02:30:00+11:00 | +11:00 | +11    | true
					""")
	void aYearOfDstHasItsTwoTransitionsWithTheClocksEitherSide(String zone, String instant, long unixtime,
			String beforeDatetime, String beforeOffset, String beforeAbbreviation, boolean beforeDst,
			String afterDatetime, String afterOffset, String afterAbbreviation, boolean afterDst) {
		ZoneTransitions transitions = ZoneTransitions.between(zone(zone), YEAR_2026, YEAR_2027, 100);

		assertThat(transitions.count()).isEqualTo(2);
		assertThat(transitions.truncated()).isFalse();
		assertThat(transitions.transitions()).contains(new ZoneTransitions.Transition(instant, unixtime,
				new Wall(beforeDatetime, beforeOffset, beforeAbbreviation, beforeDst),
				new Wall(afterDatetime, afterOffset, afterAbbreviation, afterDst)));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			Asia/Kolkata
			Etc/GMT+5
			UTC
			America/Argentina/Buenos_Aires
			""")
	void aZoneWithoutDstHasNoTransitionInAYear(String zone) {
		ZoneTransitions transitions = ZoneTransitions.between(zone(zone), YEAR_2026, YEAR_2027, 100);

		assertThat(transitions).isEqualTo(new ZoneTransitions(zone, "2026-01-01T00:00:00+00:00",
				"2027-01-01T00:00:00+00:00", 0, false, List.of()));
	}

	@Test
	void kolkataHadWartimeTransitions() {
		ZoneTransitions transitions = ZoneTransitions.between(zone("Asia/Kolkata"),
				Instant.parse("1941-01-01T00:00:00Z"), Instant.parse("1946-01-01T00:00:00Z"), 100);

		assertThat(transitions.transitions()).extracting(ZoneTransitions.Transition::instant)
			.containsExactly("1941-09-30T18:30:00+00:00", "1942-05-14T17:30:00+00:00", "1942-08-31T18:30:00+00:00",
					"1945-10-14T17:30:00+00:00");
		assertThat(transitions.transitions().getFirst().after())
			.isEqualTo(new Wall("1941-10-01T01:00:00+06:30", "+06:30", "+0630", true));
	}

	@Test
	void theRangeIncludesItsStartAndExcludesItsEnd() {
		Instant transition = Instant.parse("2026-03-29T01:00:00Z");
		Zone london = zone("Europe/London");

		assertThat(ZoneTransitions.between(london, transition, YEAR_2027, 100).transitions())
			.extracting(ZoneTransitions.Transition::instant)
			.containsExactly("2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00");
		assertThat(ZoneTransitions.between(london, transition.plusNanos(1), YEAR_2027, 100).transitions())
			.extracting(ZoneTransitions.Transition::instant)
			.containsExactly("2026-10-25T01:00:00+00:00");
		assertThat(ZoneTransitions.between(london, YEAR_2026, transition, 100).count()).isZero();
		assertThat(ZoneTransitions.between(london, transition, transition, 100).count()).isZero();
	}

	@Test
	void moreTransitionsThanTheLimitAreTruncatedToTheEarliest() {
		ZoneTransitions transitions = ZoneTransitions.between(zone("America/New_York"), YEAR_2026,
				Instant.parse("2036-01-01T00:00:00Z"), 5);

		assertThat(transitions.count()).isEqualTo(5);
		assertThat(transitions.truncated()).isTrue();
		assertThat(transitions.transitions()).extracting(ZoneTransitions.Transition::instant)
			.containsExactly("2026-03-08T07:00:00+00:00", "2026-11-01T06:00:00+00:00", "2027-03-14T07:00:00+00:00",
					"2027-11-07T06:00:00+00:00", "2028-03-12T07:00:00+00:00");
	}

	@Test
	void exactlyTheLimitIsNotTruncated() {
		ZoneTransitions transitions = ZoneTransitions.between(zone("Europe/London"), YEAR_2026, YEAR_2027, 2);

		assertThat(transitions.count()).isEqualTo(2);
		assertThat(transitions.truncated()).isFalse();
	}

	@Test
	void anAliasIsAnsweredAsAsked() {
		ZoneTransitions transitions = ZoneTransitions.between(zone("gb"), YEAR_2026, YEAR_2027, 100);

		assertThat(transitions.timezone()).isEqualTo("GB");
		assertThat(transitions.transitions()).extracting(ZoneTransitions.Transition::instant)
			.containsExactly("2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00");
	}

	@Test
	void theFirstTransitionOfAZoneLeavesLocalMeanTime() {
		ZoneTransitions transitions = ZoneTransitions.between(zone("Europe/London"),
				Instant.parse("0001-01-02T00:00:00Z"), YEAR_2026, 1);

		// 1847-12-01 00:00 local mean time (-0:01:15) became GMT.
		assertThat(transitions.transitions().getFirst())
			.isEqualTo(new ZoneTransitions.Transition("1847-12-01T00:01:15+00:00", -3852662325L,
					new Wall("1847-12-01T00:00:00-00:01:15", "-00:01:15", "LMT", false),
					new Wall("1847-12-01T00:01:15+00:00", "+00:00", "GMT", false)));
		assertThat(transitions.truncated()).isTrue();
	}

	private static Zone zone(String name) {
		Zone zone = CATALOG.find(name);
		assertThat(zone).as(name).isNotNull();
		return zone;
	}

}
