package dev.timefan.zones;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Conversion}: the gaps and overlaps below are derived from the tz rules
 * (US: 02:00 local on the second Sunday of March and the first of November; EU: 01:00 UTC
 * on the last Sundays of March and October; Lord Howe: half an hour at 02:00 local on the
 * first Sundays of October and April), never from a run of the code.
 */
class ConversionTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	@ParameterizedTest(name = "{1} in {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# from              | local               | to               | instant                   | from datetime             | to datetime
					America/New_York    | 2026-07-01T09:00    | Asia/Kolkata     | 2026-07-01T13:00:00+00:00 | 2026-07-01T09:00:00-04:00 | 2026-07-01T18:30:00+05:30
					America/New_York    | 2026-03-08T01:59:59 | UTC              | 2026-03-08T06:59:59+00:00 | 2026-03-08T01:59:59-05:00 | 2026-03-08T06:59:59+00:00
					America/New_York    | 2026-03-08T03:00    | UTC              | 2026-03-08T07:00:00+00:00 | 2026-03-08T03:00:00-04:00 | 2026-03-08T07:00:00+00:00
					America/New_York    | 2026-11-01T00:59:59 | UTC              | 2026-11-01T04:59:59+00:00 | 2026-11-01T00:59:59-04:00 | 2026-11-01T04:59:59+00:00
					America/New_York    | 2026-11-01T02:00    | UTC              | 2026-11-01T07:00:00+00:00 | 2026-11-01T02:00:00-05:00 | 2026-11-01T07:00:00+00:00
					Asia/Kolkata        | 2026-03-29T12:00    | Etc/GMT+5        | 2026-03-29T06:30:00+00:00 | 2026-03-29T12:00:00+05:30 | 2026-03-29T01:30:00-05:00
					Etc/GMT+5           | 2026-03-08T02:30    | America/New_York | 2026-03-08T07:30:00+00:00 | 2026-03-08T02:30:00-05:00 | 2026-03-08T03:30:00-04:00
					Europe/London       | 2026-03-29T00:59:59 | Europe/Paris     | 2026-03-29T00:59:59+00:00 | 2026-03-29T00:59:59+00:00 | 2026-03-29T01:59:59+01:00
					Europe/London       | 2026-03-29T02:00    | Europe/Paris     | 2026-03-29T01:00:00+00:00 | 2026-03-29T02:00:00+01:00 | 2026-03-29T03:00:00+02:00
					Europe/London       | 2026-06-15T12:00:00.5 | UTC            | 2026-06-15T11:00:00.5+00:00 | 2026-06-15T12:00:00.5+01:00 | 2026-06-15T11:00:00.5+00:00
					""")
	void aLocalTimeOutsideAnyGapOrOverlapIsUnique(String from, LocalDateTime local, String to, String instant,
			String fromDatetime, String toDatetime) {
		Conversion conversion = Conversion.of(local, zone(from), zone(to));

		assertThat(conversion.status()).isEqualTo("unique");
		assertThat(conversion.note()).isNull();
		assertThat(conversion.later()).isNull();
		assertThat(conversion.instant()).isEqualTo(instant);
		assertThat(conversion.unixtime()).isEqualTo(Instant.parse(instant.replace("+00:00", "Z")).getEpochSecond());
		assertThat(conversion.from().datetime()).isEqualTo(fromDatetime);
		assertThat(conversion.to().datetime()).isEqualTo(toDatetime);
		assertThat(conversion.from().timezone()).isEqualTo(from);
		assertThat(conversion.to().timezone()).isEqualTo(to);
	}

	@ParameterizedTest(name = "{1} in {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# from              | local               | instant                   | shifted datetime          | note
					America/New_York    | 2026-03-08T02:00    | 2026-03-08T07:00:00+00:00 | 2026-03-08T03:00:00-04:00 | 2026-03-08T02:00:00 does not exist in America/New_York: its clocks went forward from 02:00 to 03:00 (-05:00 to -04:00); read as 2026-03-08T03:00:00-04:00, 1 hour later, as java.time does
					America/New_York    | 2026-03-08T02:30    | 2026-03-08T07:30:00+00:00 | 2026-03-08T03:30:00-04:00 | 2026-03-08T02:30:00 does not exist in America/New_York: its clocks went forward from 02:00 to 03:00 (-05:00 to -04:00); read as 2026-03-08T03:30:00-04:00, 1 hour later, as java.time does
					America/New_York    | 2026-03-08T02:59:59 | 2026-03-08T07:59:59+00:00 | 2026-03-08T03:59:59-04:00 | 2026-03-08T02:59:59 does not exist in America/New_York: its clocks went forward from 02:00 to 03:00 (-05:00 to -04:00); read as 2026-03-08T03:59:59-04:00, 1 hour later, as java.time does
					Europe/London       | 2026-03-29T01:30    | 2026-03-29T01:30:00+00:00 | 2026-03-29T02:30:00+01:00 | 2026-03-29T01:30:00 does not exist in Europe/London: its clocks went forward from 01:00 to 02:00 (+00:00 to +01:00); read as 2026-03-29T02:30:00+01:00, 1 hour later, as java.time does
					Australia/Lord_Howe | 2026-10-04T02:15    | 2026-10-03T15:45:00+00:00 | 2026-10-04T02:45:00+11:00 | 2026-10-04T02:15:00 does not exist in Australia/Lord_Howe: its clocks went forward from 02:00 to 02:30 (+10:30 to +11:00); read as 2026-10-04T02:45:00+11:00, 30 minutes later, as java.time does
					""")
	void aLocalTimeInAGapIsMovedLaterByTheGapAndSaysSo(String from, LocalDateTime local, String instant, String shifted,
			String note) {
		Conversion conversion = Conversion.of(local, zone(from), zone("UTC"));

		assertThat(conversion.status()).isEqualTo("gap");
		assertThat(conversion.note()).isEqualTo(note);
		assertThat(conversion.instant()).isEqualTo(instant);
		assertThat(conversion.from().datetime()).isEqualTo(shifted);
		assertThat(conversion.to().datetime()).isEqualTo(instant);
		assertThat(conversion.later()).isNull();
	}

	@ParameterizedTest(name = "{1} in {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# from              | local               | earlier                   | earlier datetime          | later                     | later datetime            | note
					America/New_York    | 2026-11-01T01:00    | 2026-11-01T05:00:00+00:00 | 2026-11-01T01:00:00-04:00 | 2026-11-01T06:00:00+00:00 | 2026-11-01T01:00:00-05:00 | 2026-11-01T01:00:00 happens twice in America/New_York: its clocks went back from 02:00 to 01:00 (-04:00 to -05:00); answered for the earlier, -04:00 (EDT); later is the other, -05:00 (EST)
					America/New_York    | 2026-11-01T01:30    | 2026-11-01T05:30:00+00:00 | 2026-11-01T01:30:00-04:00 | 2026-11-01T06:30:00+00:00 | 2026-11-01T01:30:00-05:00 | 2026-11-01T01:30:00 happens twice in America/New_York: its clocks went back from 02:00 to 01:00 (-04:00 to -05:00); answered for the earlier, -04:00 (EDT); later is the other, -05:00 (EST)
					America/New_York    | 2026-11-01T01:59:59 | 2026-11-01T05:59:59+00:00 | 2026-11-01T01:59:59-04:00 | 2026-11-01T06:59:59+00:00 | 2026-11-01T01:59:59-05:00 | 2026-11-01T01:59:59 happens twice in America/New_York: its clocks went back from 02:00 to 01:00 (-04:00 to -05:00); answered for the earlier, -04:00 (EDT); later is the other, -05:00 (EST)
					Europe/London       | 2026-10-25T01:30    | 2026-10-25T00:30:00+00:00 | 2026-10-25T01:30:00+01:00 | 2026-10-25T01:30:00+00:00 | 2026-10-25T01:30:00+00:00 | 2026-10-25T01:30:00 happens twice in Europe/London: its clocks went back from 02:00 to 01:00 (+01:00 to +00:00); answered for the earlier, +01:00 (BST); later is the other, +00:00 (GMT)
					Australia/Lord_Howe | 2026-04-05T01:45    | 2026-04-04T14:45:00+00:00 | 2026-04-05T01:45:00+11:00 | 2026-04-04T15:15:00+00:00 | 2026-04-05T01:45:00+10:30 | 2026-04-05T01:45:00 happens twice in Australia/Lord_Howe: its clocks went back from 02:00 to 01:30 (+11:00 to +10:30); answered for the earlier, +11:00 (+11); later is the other, +10:30 (+1030)
					""")
	void aLocalTimeInAnOverlapIsAnsweredForTheEarlierWithTheLaterBeside(String from, LocalDateTime local,
			String earlier, String earlierDatetime, String later, String laterDatetime, String note) {
		Conversion conversion = Conversion.of(local, zone(from), zone("UTC"));

		assertThat(conversion.status()).isEqualTo("overlap");
		assertThat(conversion.note()).isEqualTo(note);
		assertThat(conversion.instant()).isEqualTo(earlier);
		assertThat(conversion.from().datetime()).isEqualTo(earlierDatetime);
		assertThat(conversion.to().datetime()).isEqualTo(earlier);
		assertThat(conversion.later()).isNotNull();
		assertThat(conversion.later().instant()).isEqualTo(later);
		assertThat(conversion.later().from().datetime()).isEqualTo(laterDatetime);
		assertThat(conversion.later().to().datetime()).isEqualTo(later);
		assertThat(conversion.later().unixtime() - conversion.unixtime())
			.isEqualTo(Instant.parse(later.replace("+00:00", "Z")).getEpochSecond()
					- Instant.parse(earlier.replace("+00:00", "Z")).getEpochSecond());
	}

	@Test
	void anInstantIsAlwaysUnique() {
		Conversion conversion = Conversion.of(Instant.parse("2026-11-01T06:30:00Z"), zone("America/New_York"),
				zone("GB"));

		assertThat(conversion).isEqualTo(
				new Conversion("2026-11-01T06:30:00+00:00", "unique", null, "2026-11-01T06:30:00+00:00", 1793514600L,
						new Conversion.ZoneTime("America/New_York", "2026-11-01T01:30:00-05:00", "-05:00", "EST",
								false),
						new Conversion.ZoneTime("GB", "2026-11-01T06:30:00+00:00", "+00:00", "GMT", false), null));
	}

	@Test
	void theSidesCarryTheirAbbreviationsAndDst() {
		Conversion conversion = Conversion.of(LocalDateTime.parse("2026-07-01T09:00"), zone("america/new_york"),
				zone("Australia/Lord_Howe"));

		assertThat(conversion.from())
			.isEqualTo(new Conversion.ZoneTime("America/New_York", "2026-07-01T09:00:00-04:00", "-04:00", "EDT", true));
		assertThat(conversion.to()).isEqualTo(
				new Conversion.ZoneTime("Australia/Lord_Howe", "2026-07-01T23:30:00+10:30", "+10:30", "+1030", false));
	}

	/**
	 * The zones' rules have not changed since the JDK's bundled tz data was made: there,
	 * {@code java.time} must resolve every local time alike, gaps and overlaps included.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			America/New_York
			Europe/London
			Australia/Lord_Howe
			Australia/Sydney
			Asia/Kolkata
			""")
	void everyQuarterHourOf2026ResolvesAsJavaTimeDoes(String name) {
		Zone zone = zone(name);
		Zone utc = zone("UTC");
		ZoneRules rules = ZoneId.of(name).getRules();
		List<String> disagreements = new ArrayList<>();
		for (LocalDateTime local = LocalDateTime.parse("2026-01-01T00:00"); local.getYear() == 2026; local = local
			.plusMinutes(15)) {
			ZoneOffsetTransition transition = rules.getTransition(local);
			String status = (transition == null) ? "unique" : transition.isGap() ? "gap" : "overlap";
			String expected = status + " " + Wall.utc(ZonedDateTime.ofLocal(local, ZoneId.of(name), null).toInstant());
			Conversion conversion = Conversion.of(local, zone, utc);
			String actual = conversion.status() + " " + conversion.instant();
			if (!actual.equals(expected)) {
				disagreements.add(local + ": " + actual + ", java.time " + expected);
			}
		}
		assertThat(disagreements).isEmpty();
	}

	@ParameterizedTest(name = "{0} s")
	@CsvSource(textBlock = """
			3600, 1 hour
			1800, 30 minutes
			5400, 1 hour 30 minutes
			7200, 2 hours
			60,   1 minute
			75,   1 minute 15 seconds
			1,    1 second
			0,    0 seconds
			""")
	void aLengthIsSaidInWords(long seconds, String words) {
		assertThat(Conversion.length(seconds)).isEqualTo(words);
	}

	private static Zone zone(String name) {
		Zone zone = CATALOG.find(name);
		assertThat(zone).as(name).isNotNull();
		return zone;
	}

}
