package dev.timefan.time;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorldClock}: every expected value below is derived from the tz rules
 * (EU: last Sunday of March and October at 01:00 UTC; US: second Sunday of March and
 * first Sunday of November at 02:00 local; New South Wales: first Sunday of October and
 * April), from ISO-8601 week arithmetic, or copied from worldtimeapi.org's captured
 * answers, never from a run of the code.
 */
class WorldClockTests {

	private static final String CLIENT_IP = "203.0.113.7";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					# instant,                   datetime,                         utc_offset, abbreviation, dst,   dst_offset, raw_offset, dst_from,                  dst_until
					2026-03-29T00:59:59.999999Z, 2026-03-29T00:59:59.999999+00:00, +00:00,     GMT,          false, 0,          0,          ,
					2026-03-29T01:00:00Z,        2026-03-29T02:00:00.000000+01:00, +01:00,     BST,          true,  3600,       0,          2026-03-29T01:00:00+00:00, 2026-10-25T01:00:00+00:00
					2026-10-25T00:59:59.999999Z, 2026-10-25T01:59:59.999999+01:00, +01:00,     BST,          true,  3600,       0,          2026-03-29T01:00:00+00:00, 2026-10-25T01:00:00+00:00
					2026-10-25T01:00:00Z,        2026-10-25T01:00:00.000000+00:00, +00:00,     GMT,          false, 0,          0,          ,
					""")
	void londonSwitchesBetweenGmtAndBstAtOneUtcOnTheLastSundaysOfMarchAndOctober(Instant instant, String datetime,
			String utcOffset, String abbreviation, boolean dst, int dstOffset, int rawOffset, String dstFrom,
			String dstUntil) {
		assertThat(Offsets.of(timeAt("Europe/London", instant)))
			.isEqualTo(new Offsets(datetime, utcOffset, abbreviation, dst, dstOffset, rawOffset, dstFrom, dstUntil));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					# instant,                   datetime,                         utc_offset, abbreviation, dst,   dst_offset, raw_offset, dst_from,                  dst_until
					2026-03-08T06:59:59.999999Z, 2026-03-08T01:59:59.999999-05:00, -05:00,     EST,          false, 0,          -18000,     ,
					2026-03-08T07:00:00Z,        2026-03-08T03:00:00.000000-04:00, -04:00,     EDT,          true,  3600,       -18000,     2026-03-08T07:00:00+00:00, 2026-11-01T06:00:00+00:00
					2026-11-01T05:59:59.999999Z, 2026-11-01T01:59:59.999999-04:00, -04:00,     EDT,          true,  3600,       -18000,     2026-03-08T07:00:00+00:00, 2026-11-01T06:00:00+00:00
					2026-11-01T06:00:00Z,        2026-11-01T01:00:00.000000-05:00, -05:00,     EST,          false, 0,          -18000,     ,
					""")
	void newYorkSwitchesBetweenEstAndEdtAtTwoLocalOnMarchEighthAndNovemberFirst(Instant instant, String datetime,
			String utcOffset, String abbreviation, boolean dst, int dstOffset, int rawOffset, String dstFrom,
			String dstUntil) {
		assertThat(Offsets.of(timeAt("America/New_York", instant)))
			.isEqualTo(new Offsets(datetime, utcOffset, abbreviation, dst, dstOffset, rawOffset, dstFrom, dstUntil));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					# instant,                   datetime,                         utc_offset, abbreviation, dst,   dst_offset, raw_offset, dst_from,                  dst_until
					2026-04-04T15:59:59.999999Z, 2026-04-05T02:59:59.999999+11:00, +11:00,     AEDT,         true,  3600,       36000,      2025-10-04T16:00:00+00:00, 2026-04-04T16:00:00+00:00
					2026-04-04T16:00:00Z,        2026-04-05T02:00:00.000000+10:00, +10:00,     AEST,         false, 0,          36000,      ,
					2026-10-03T15:59:59.999999Z, 2026-10-04T01:59:59.999999+10:00, +10:00,     AEST,         false, 0,          36000,      ,
					2026-10-03T16:00:00Z,        2026-10-04T03:00:00.000000+11:00, +11:00,     AEDT,         true,  3600,       36000,      2026-10-03T16:00:00+00:00, 2027-04-03T16:00:00+00:00
					""")
	void sydneyEndsAedtOnAprilFifthAndStartsItOnOctoberFourthLocal(Instant instant, String datetime, String utcOffset,
			String abbreviation, boolean dst, int dstOffset, int rawOffset, String dstFrom, String dstUntil) {
		assertThat(Offsets.of(timeAt("Australia/Sydney", instant)))
			.isEqualTo(new Offsets(datetime, utcOffset, abbreviation, dst, dstOffset, rawOffset, dstFrom, dstUntil));
	}

	@ParameterizedTest(name = "{0} at {1}")
	@CsvSource(
			textBlock = """
					# zone,                         instant,              datetime,                         utc_offset, abbreviation, raw_offset
					Asia/Kathmandu,                 2026-06-15T12:00:00Z, 2026-06-15T17:45:00.000000+05:45, +05:45,     +0545,        20700
					Asia/Kathmandu,                 2026-01-15T12:00:00Z, 2026-01-15T17:45:00.000000+05:45, +05:45,     +0545,        20700
					Etc/GMT+5,                      2026-06-15T12:00:00Z, 2026-06-15T07:00:00.000000-05:00, -05:00,     -05,          -18000
					Etc/GMT-14,                     2026-06-15T12:00:00Z, 2026-06-16T02:00:00.000000+14:00, +14:00,     +14,          50400
					America/Argentina/Buenos_Aires, 2026-06-15T12:00:00Z, 2026-06-15T09:00:00.000000-03:00, -03:00,     -03,          -10800
					America/Argentina/Buenos_Aires, 2026-01-15T12:00:00Z, 2026-01-15T09:00:00.000000-03:00, -03:00,     -03,          -10800
					Asia/Kolkata,                   2026-06-15T12:00:00Z, 2026-06-15T17:30:00.000000+05:30, +05:30,     IST,          19800
					UTC,                            2026-06-15T12:00:00Z, 2026-06-15T12:00:00.000000+00:00, +00:00,     UTC,          0
					""")
	void zonesWithoutDstAnswerTheirOffsetAndTheTzDatabaseAbbreviation(String zone, Instant instant, String datetime,
			String utcOffset, String abbreviation, int rawOffset) {
		TimeObject time = timeAt(zone, instant);
		assertThat(Offsets.of(time))
			.isEqualTo(new Offsets(datetime, utcOffset, abbreviation, false, 0, rawOffset, null, null));
		assertThat(time.timezone()).isEqualTo(zone);
	}

	@ParameterizedTest(name = "{0} at {1}")
	@CsvSource(textBlock = """
			# zone,        instant,              datetime
			UTC,           2026-06-15T12:00:00Z, 2026-06-15T12:00:00.000000+00:00
			Etc/UTC,       2026-06-15T12:00:00Z, 2026-06-15T12:00:00.000000+00:00
			Europe/London, 2026-01-15T12:00:00Z, 2026-01-15T12:00:00.000000+00:00
			""")
	void zeroOffsetIsWrittenPlusZeroNeverZ(String zone, Instant instant, String datetime) {
		TimeObject time = timeAt(zone, instant);
		assertThat(time.utcOffset()).isEqualTo("+00:00");
		assertThat(time.datetime()).isEqualTo(datetime);
		assertThat(time.utcDatetime()).isEqualTo(datetime);
	}

	@ParameterizedTest(name = "{0} at {1}")
	@CsvSource(
			textBlock = """
					# zone,             instant,              datetime,                         day_of_week, day_of_year, week_number
					UTC,                2025-12-28T12:00:00Z, 2025-12-28T12:00:00.000000+00:00, 0,           362,         52
					UTC,                2025-12-29T12:00:00Z, 2025-12-29T12:00:00.000000+00:00, 1,           363,         1
					UTC,                2026-01-01T12:00:00Z, 2026-01-01T12:00:00.000000+00:00, 4,           1,           1
					UTC,                2026-01-03T12:00:00Z, 2026-01-03T12:00:00.000000+00:00, 6,           3,           1
					UTC,                2026-12-31T12:00:00Z, 2026-12-31T12:00:00.000000+00:00, 4,           365,         53
					UTC,                2027-01-01T12:00:00Z, 2027-01-01T12:00:00.000000+00:00, 5,           1,           53
					UTC,                2027-01-03T12:00:00Z, 2027-01-03T12:00:00.000000+00:00, 0,           3,           53
					UTC,                2027-01-04T12:00:00Z, 2027-01-04T12:00:00.000000+00:00, 1,           4,           1
					UTC,                2021-01-03T12:00:00Z, 2021-01-03T12:00:00.000000+00:00, 0,           3,           53
					UTC,                2028-02-29T12:00:00Z, 2028-02-29T12:00:00.000000+00:00, 2,           60,          9
					UTC,                2028-12-31T12:00:00Z, 2028-12-31T12:00:00.000000+00:00, 0,           366,         52
					Etc/GMT-14,         2026-12-31T12:00:00Z, 2027-01-01T02:00:00.000000+14:00, 5,           1,           53
					Etc/GMT-14,         2027-01-03T12:00:00Z, 2027-01-04T02:00:00.000000+14:00, 1,           4,           1
					America/New_York,   2027-01-01T03:00:00Z, 2026-12-31T22:00:00.000000-05:00, 4,           365,         53
					America/New_York,   2029-01-01T04:00:00Z, 2028-12-31T23:00:00.000000-05:00, 0,           366,         52
					""")
	void calendarFieldsFollowTheLocalDateWithSundayZeroAndIsoWeeks(String zone, Instant instant, String datetime,
			int dayOfWeek, int dayOfYear, int weekNumber) {
		assertThat(CalendarFields.of(timeAt(zone, instant)))
			.isEqualTo(new CalendarFields(datetime, dayOfWeek, dayOfYear, weekNumber));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					# instant,                        datetime (Asia/Kolkata),          utc_datetime,                     unixtime
					2026-01-01T00:00:00Z,             2026-01-01T05:30:00.000000+05:30, 2026-01-01T00:00:00.000000+00:00, 1767225600
					2026-01-01T00:00:00.000000999Z,   2026-01-01T05:30:00.000000+05:30, 2026-01-01T00:00:00.000000+00:00, 1767225600
					2026-01-01T00:00:00.100Z,         2026-01-01T05:30:00.100000+05:30, 2026-01-01T00:00:00.100000+00:00, 1767225600
					2026-01-01T00:00:00.000001Z,      2026-01-01T05:30:00.000001+05:30, 2026-01-01T00:00:00.000001+00:00, 1767225600
					2026-01-01T00:00:00.123456789Z,   2026-01-01T05:30:00.123456+05:30, 2026-01-01T00:00:00.123456+00:00, 1767225600
					2026-01-01T00:00:00.999999999Z,   2026-01-01T05:30:00.999999+05:30, 2026-01-01T00:00:00.999999+00:00, 1767225600
					2026-01-01T00:00:01Z,             2026-01-01T05:30:01.000000+05:30, 2026-01-01T00:00:01.000000+00:00, 1767225601
					""")
	void datetimesHaveExactlySixFractionDigitsAndUnixtimeIsTruncated(Instant instant, String datetime,
			String utcDatetime, long unixtime) {
		TimeObject time = timeAt("Asia/Kolkata", instant);
		assertThat(new Stamps(time.datetime(), time.utcDatetime(), time.unixtime()))
			.isEqualTo(new Stamps(datetime, utcDatetime, unixtime));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					Asia/Kolkata 2025-10-01     | {"utc_offset":"+05:30","timezone":"Asia/Kolkata","day_of_week":3,"day_of_year":274,"datetime":"2025-10-01T16:09:20.975255+05:30","utc_datetime":"2025-10-01T10:39:20.975255+00:00","unixtime":1759315160,"raw_offset":19800,"week_number":40,"dst":false,"abbreviation":"IST","dst_offset":0,"dst_from":null,"dst_until":null}
					Europe/London 2025-07-31    | {"utc_offset":"+01:00","timezone":"Europe/London","day_of_week":4,"day_of_year":212,"datetime":"2025-07-31T17:09:21.105749+01:00","utc_datetime":"2025-07-31T16:09:21.105749+00:00","unixtime":1753978161,"raw_offset":0,"week_number":31,"dst":true,"abbreviation":"BST","dst_offset":3600,"dst_from":"2025-03-30T01:00:00+00:00","dst_until":"2025-10-26T01:00:00+00:00"}
					America/New_York 2021-07-29 | {"abbreviation":"EDT","datetime":"2021-07-29T20:08:36.070487-04:00","day_of_week":4,"day_of_year":210,"dst":true,"dst_from":"2021-03-14T07:00:00+00:00","dst_offset":3600,"dst_until":"2021-11-07T06:00:00+00:00","raw_offset":-18000,"timezone":"America/New_York","unixtime":1627603716,"utc_datetime":"2021-07-30T00:08:36.070487+00:00","utc_offset":"-04:00","week_number":30}
					America/New_York 2023-02-22 | {"abbreviation":"EST","datetime":"2023-02-22T17:25:13.477048-05:00","day_of_week":3,"day_of_year":53,"dst":false,"dst_from":null,"dst_offset":0,"dst_until":null,"raw_offset":-18000,"timezone":"America/New_York","unixtime":1677104713,"utc_datetime":"2023-02-22T22:25:13.477048+00:00","utc_offset":"-05:00","week_number":8}
					""")
	void capturedWorldtimeapiAnswersAreReproducedFieldForField(String example, String captured) {
		Map<String, Object> expected = JSON.readValue(captured, MAP);
		Instant instant = OffsetDateTime.parse((String) expected.get("utc_datetime")).toInstant();
		Map<String, Object> actual = asJson(timeAt((String) expected.get("timezone"), instant));
		assertThat(actual.remove("client_ip")).isEqualTo(CLIENT_IP);
		assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
	}

	@Test
	void capturedPlainTextAnswerIsReproducedFieldForField() {
		String captured = """
				abbreviation: GMT
				client_ip: 213.205.194.90
				datetime: 2020-01-14T09:20:50.034710+00:00
				day_of_week: 2
				day_of_year: 14
				dst: false
				dst_from:
				dst_offset: 0
				dst_until:
				raw_offset: 0
				timezone: Europe/London
				unixtime: 1578993650
				utc_datetime: 2020-01-14T09:20:50.034710+00:00
				utc_offset: +00:00
				week_number: 3
				""";
		Map<String, String> expected = new LinkedHashMap<>();
		captured.lines().forEach((line) -> {
			int colon = line.indexOf(':');
			expected.put(line.substring(0, colon), line.substring(colon + 1).strip());
		});
		Instant instant = OffsetDateTime.parse(expected.get("utc_datetime")).toInstant();
		TimeObject time = clockAt(instant).now(zone("Europe/London"), "213.205.194.90");
		Map<String, String> actual = new LinkedHashMap<>();
		asJson(time).forEach((key, value) -> actual.put(key, (value != null) ? value.toString() : ""));
		assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
	}

	@Test
	void jsonKeysComeInWorldtimeapiWireOrderWithNullsWritten() {
		Map<String, Object> json = asJson(timeAt("Asia/Kolkata", Instant.parse("2025-10-01T10:39:20.975255Z")));
		assertThat(json).containsOnlyKeys("utc_offset", "timezone", "day_of_week", "day_of_year", "datetime",
				"utc_datetime", "unixtime", "raw_offset", "week_number", "dst", "abbreviation", "dst_offset",
				"dst_from", "dst_until", "client_ip");
		assertThat(json.keySet()).containsExactly("utc_offset", "timezone", "day_of_week", "day_of_year", "datetime",
				"utc_datetime", "unixtime", "raw_offset", "week_number", "dst", "abbreviation", "dst_offset",
				"dst_from", "dst_until", "client_ip");
		assertThat(json).containsEntry("dst_from", null).containsEntry("dst_until", null);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					# instant,                   datetime,                         utc_offset, abbreviation, dst,   dst_offset, raw_offset, dst_from,                  dst_until
					2026-07-01T19:00:00Z,        2026-07-01T12:00:00.000000-07:00, -07:00,     PDT,          true,  3600,       -28800,     2026-03-08T10:00:00+00:00, 2026-11-01T09:00:00+00:00
					2026-11-01T08:59:59.999999Z, 2026-11-01T01:59:59.999999-07:00, -07:00,     PDT,          true,  3600,       -28800,     2026-03-08T10:00:00+00:00, 2026-11-01T09:00:00+00:00
					2026-11-01T09:00:00Z,        2026-11-01T02:00:00.000000-07:00, -07:00,     MST,          false, 0,          -25200,     ,
					2026-11-27T19:00:00Z,        2026-11-27T12:00:00.000000-07:00, -07:00,     MST,          false, 0,          -25200,     ,
					2027-07-01T19:00:00Z,        2027-07-01T12:00:00.000000-07:00, -07:00,     MST,          false, 0,          -25200,     ,
					""")
	void vancouverEndsPdtOnNovemberFirst2026AndStaysOnMstForGood(Instant instant, String datetime, String utcOffset,
			String abbreviation, boolean dst, int dstOffset, int rawOffset, String dstFrom, String dstUntil) {
		assertThat(Offsets.of(timeAt("America/Vancouver", instant)))
			.isEqualTo(new Offsets(datetime, utcOffset, abbreviation, dst, dstOffset, rawOffset, dstFrom, dstUntil));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(textBlock = """
			# zone,              datetime at 2026-11-27T19:00:00Z, utc_offset, abbreviation
			America/Vancouver,   2026-11-27T12:00:00.000000-07:00, -07:00,     MST
			Canada/Pacific,      2026-11-27T12:00:00.000000-07:00, -07:00,     MST
			America/Edmonton,    2026-11-27T13:00:00.000000-06:00, -06:00,     CST
			America/Yellowknife, 2026-11-27T13:00:00.000000-06:00, -06:00,     CST
			America/Inuvik,      2026-11-27T13:00:00.000000-06:00, -06:00,     CST
			America/Winnipeg,    2026-11-27T14:00:00.000000-05:00, -05:00,     EST
			America/Rainy_River, 2026-11-27T14:00:00.000000-05:00, -05:00,     EST
			America/Havana,      2026-11-27T15:00:00.000000-04:00, -04:00,     CDT
			""")
	void zonesThatKeptSummerTimeIn2026fAnswerTheNewRules(String zone, String datetime, String utcOffset,
			String abbreviation) {
		TimeObject time = timeAt(zone, Instant.parse("2026-11-27T19:00:00Z"));
		assertThat(time.datetime()).isEqualTo(datetime);
		assertThat(time.utcOffset()).isEqualTo(utcOffset);
		assertThat(time.abbreviation()).isEqualTo(abbreviation);
		assertThat(time.rawOffset() + time.dstOffset()).as("raw_offset + dst_offset")
			.isEqualTo(ZoneOffset.of(utcOffset).getTotalSeconds());
	}

	@Test
	void aliasIsAnsweredUnderTheNameAskedWithItsTargetsRules() {
		TimeObject time = clockAt(Instant.parse("2026-07-01T12:00:00Z")).now(zone("GB"), "198.51.100.1");
		assertThat(time.timezone()).isEqualTo("GB");
		assertThat(time.clientIp()).isEqualTo("198.51.100.1");
		assertThat(Offsets.of(time)).isEqualTo(new Offsets("2026-07-01T13:00:00.000000+01:00", "+01:00", "BST", true,
				3600, 0, "2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00"));
	}

	@Test
	void nowReadsTheInjectedClock() {
		WorldClock clock = clockAt(Instant.parse("2026-05-04T03:02:01.654321Z"));
		TimeObject time = clock.now(zone("Asia/Kolkata"), CLIENT_IP);
		assertThat(time.utcDatetime()).isEqualTo("2026-05-04T03:02:01.654321+00:00");
		assertThat(time.datetime()).isEqualTo("2026-05-04T08:32:01.654321+05:30");
		assertThat(time.unixtime()).isEqualTo(1777863721L);
	}

	private static TimeObject timeAt(String zone, Instant instant) {
		return clockAt(instant).now(zone(zone), CLIENT_IP);
	}

	private static WorldClock clockAt(Instant instant) {
		return new WorldClock(Clock.fixed(instant, ZoneOffset.UTC));
	}

	private static Zone zone(String name) {
		return new Zone(name, DateTimeZone.forID(name));
	}

	private static Map<String, Object> asJson(TimeObject time) {
		return JSON.readValue(JSON.writeValueAsString(time), MAP);
	}

	/** The fields a zone's offset rules decide. */
	private record Offsets(String datetime, String utcOffset, String abbreviation, boolean dst, int dstOffset,
			int rawOffset, String dstFrom, String dstUntil) {

		static Offsets of(TimeObject time) {
			return new Offsets(time.datetime(), time.utcOffset(), time.abbreviation(), time.dst(), time.dstOffset(),
					time.rawOffset(), time.dstFrom(), time.dstUntil());
		}

	}

	/** The fields the local calendar date decides. */
	private record CalendarFields(String datetime, int dayOfWeek, int dayOfYear, int weekNumber) {

		static CalendarFields of(TimeObject time) {
			return new CalendarFields(time.datetime(), time.dayOfWeek(), time.dayOfYear(), time.weekNumber());
		}

	}

	/** The fields the instant's precision decides. */
	private record Stamps(String datetime, String utcDatetime, long unixtime) {

	}

}
