package dev.timefan.time;

import java.time.Instant;
import java.time.LocalDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TimeArgument}, the one parser of {@code at}, {@code from} and
 * {@code to}. Each expected instant is written out in UTC by hand.
 */
class TimeArgumentTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# value                            | instant
			2026-03-29T01:30:00Z               | 2026-03-29T01:30:00Z
			2026-03-29T01:30Z                  | 2026-03-29T01:30:00Z
			2026-03-29t01:30:00z               | 2026-03-29T01:30:00Z
			2026-03-29T03:30:00+02:00          | 2026-03-29T01:30:00Z
			2026-03-28T20:30:00-05:00          | 2026-03-29T01:30:00Z
			2026-03-29T07:15:00.123456+05:45   | 2026-03-29T01:30:00.123456Z
			2026-03-29T03:30:00 02:00          | 2026-03-29T01:30:00Z
			1774747800                         | 2026-03-29T01:30:00Z
			1774747800.25                      | 2026-03-29T01:30:00.25Z
			0                                  | 1970-01-01T00:00:00Z
			-1.5                               | 1969-12-31T23:59:58.5Z
			-86400                             | 1969-12-31T00:00:00Z
			0.0000000019                       | 1970-01-01T00:00:00.000000001Z
			0001-01-02T00:00:00Z               | 0001-01-02T00:00:00Z
			9999-12-30T23:59:59.999999999Z     | 9999-12-30T23:59:59.999999999Z
			""")
	void instantsWithAnOffsetOrAsEpochSecondsAreRead(String value, Instant instant) {
		assertThat(TimeArgument.instant("at", value)).isEqualTo(instant);
		assertThat(TimeArgument.instantOrDay("from", value)).isEqualTo(instant);
		assertThat(TimeArgument.instantOrLocal("at", value)).isEqualTo(new TimeArgument.Exact(instant));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					# value                            | detail
					garbage                            | cannot read at='garbage': expected an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)
					''                                 | cannot read at='': expected an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)
					2026-02-30T00:00:00Z               | cannot read at='2026-02-30T00:00:00Z': expected an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)
					1e9                                | cannot read at='1e9': expected an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)
					2026-03-29T02:30                   | cannot read at='2026-03-29T02:30': a date-time without Z or an offset names no instant; add one, such as 2026-03-29T02:30Z for UTC
					2026-03-29T02:30:00.5              | cannot read at='2026-03-29T02:30:00.5': a date-time without Z or an offset names no instant; add one, such as 2026-03-29T02:30:00.5Z for UTC
					2026-03-29                         | cannot read at='2026-03-29': a date names no instant; give a time and Z or an offset, such as 2026-03-29T00:00:00Z
					0001-01-01T23:59:59Z               | cannot read at='0001-01-01T23:59:59Z': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					9999-12-31T00:00:00Z               | cannot read at='9999-12-31T00:00:00Z': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					12026-01-01T00:00:00Z              | cannot read at='12026-01-01T00:00:00Z': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					+12026-01-01T00:00:00Z             | cannot read at='+12026-01-01T00:00:00Z': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					-0001-06-01T00:00:00Z              | cannot read at='-0001-06-01T00:00:00Z': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					253402214400                       | cannot read at='253402214400': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					-99999999999999999999              | cannot read at='-99999999999999999999': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					""")
	void anythingButAnInstantInRangeIsRefusedQuotingTheValue(String value, String detail) {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instant("at", value)).withMessage(detail);
	}

	@Test
	void aLongValueIsQuotedCutShort() {
		String value = "2026-03-29T01:30:00Z" + "x".repeat(5_000);
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instant("at", value))
			.withMessageStartingWith("cannot read at='2026-03-29T01:30:00Z" + "x".repeat(44) + "...': expected");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# value      | instant
			2026-03-29   | 2026-03-29T00:00:00Z
			0001-01-02   | 0001-01-02T00:00:00Z
			9999-12-30   | 9999-12-30T00:00:00Z
			""")
	void aDateForARangeIsItsStartInUtc(String value, Instant instant) {
		assertThat(TimeArgument.instantOrDay("from", value)).isEqualTo(instant);
	}

	@Test
	void aRangeRefusesALocalDateTimeAndNamesItsParameter() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrDay("to", "2026-03-29T02:30"))
			.withMessage("cannot read to='2026-03-29T02:30': a date-time without Z or an offset names no instant; "
					+ "add one, such as 2026-03-29T02:30Z for UTC");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrDay("from", "soon"))
			.withMessage("cannot read from='soon': expected an ISO-8601 instant with Z or an offset "
					+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00), epoch seconds (1774747800) "
					+ "or a date (2026-03-29)");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrDay("to", "9999-12-31"))
			.withMessageContaining("out of range");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# value                    | local
			2026-03-08T02:30           | 2026-03-08T02:30:00
			2026-03-08T02:30:15        | 2026-03-08T02:30:15
			2026-03-08T02:30:15.125    | 2026-03-08T02:30:15.125
			0001-01-02T00:00           | 0001-01-02T00:00:00
			9999-12-30T23:59:59        | 9999-12-30T23:59:59
			""")
	void aConversionReadsALocalDateTime(String value, LocalDateTime local) {
		assertThat(TimeArgument.instantOrLocal("at", value)).isEqualTo(new TimeArgument.Local(local));
	}

	@Test
	void aConversionRefusesADateAloneAndTimesOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrLocal("at", "2026-03-08"))
			.withMessage("cannot read at='2026-03-08': a date alone is no date-time; add a time, such as "
					+ "2026-03-08T12:00");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrLocal("at", "0001-01-01T12:00"))
			.withMessageContaining("out of range");
		assertThatIllegalArgumentException().isThrownBy(() -> TimeArgument.instantOrLocal("at", "noon"))
			.withMessage("cannot read at='noon': expected a local date-time (2026-03-29T02:30), or an ISO-8601 "
					+ "instant with Z or an offset (2026-03-29T01:30:00Z) or epoch seconds (1774747800)");
	}

}
