package dev.timefan.time;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What {@link WorldClock} spends on its two {@code datetime} strings, against a
 * fixed-width candidate that writes the same characters. Not production code: it measures
 * a suggestion (see docs/benchmarks.md), and checks in {@link #setUp()} that the
 * candidate's output is identical.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DateTimeFormatBenchmark {

	/** The pattern of {@code WorldClock.DATE_TIME}. */
	private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx");

	private OffsetDateTime local;

	@Setup
	public void setUp() {
		this.local = OffsetDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MICROS),
				ZoneOffset.ofHoursMinutes(5, 30));
		OffsetDateTime[] samples = { this.local, this.local.withOffsetSameInstant(ZoneOffset.UTC),
				this.local.withOffsetSameInstant(ZoneOffset.ofHoursMinutes(-9, -30)),
				OffsetDateTime.parse("0999-01-02T03:04:05.000007+14:00"),
				OffsetDateTime.parse("2026-12-31T23:59:59.999999-00:44") };
		for (OffsetDateTime sample : samples) {
			String expected = DATE_TIME.format(sample);
			String actual = fixedWidth(sample);
			if (!expected.equals(actual)) {
				throw new IllegalStateException("candidate wrote '" + actual + "', expected '" + expected + "'");
			}
		}
	}

	/**
	 * The formatter {@code WorldClock} uses, once (it formats twice per lookup).
	 * @return the string
	 */
	@Benchmark
	public String formatter() {
		return DATE_TIME.format(this.local);
	}

	/**
	 * The fixed-width candidate, once.
	 * @return the string
	 */
	@Benchmark
	public String fixedWidth() {
		return fixedWidth(this.local);
	}

	/**
	 * {@code uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx} for years 0 to 9999 (the formatter's own
	 * output beyond), written digit by digit into 32 Latin-1 bytes.
	 */
	static String fixedWidth(OffsetDateTime time) {
		int year = time.getYear();
		if (year < 0 || year > 9999) {
			return DATE_TIME.format(time);
		}
		byte[] out = new byte[32];
		digits(out, 0, year, 4);
		out[4] = '-';
		digits(out, 5, time.getMonthValue(), 2);
		out[7] = '-';
		digits(out, 8, time.getDayOfMonth(), 2);
		out[10] = 'T';
		digits(out, 11, time.getHour(), 2);
		out[13] = ':';
		digits(out, 14, time.getMinute(), 2);
		out[16] = ':';
		digits(out, 17, time.getSecond(), 2);
		out[19] = '.';
		digits(out, 20, time.getNano() / 1000, 6);
		int offset = time.getOffset().getTotalSeconds();
		out[26] = (byte) ((offset < 0) ? '-' : '+');
		int absolute = Math.abs(offset);
		digits(out, 27, absolute / 3600, 2);
		out[29] = ':';
		digits(out, 30, (absolute / 60) % 60, 2);
		return new String(out, StandardCharsets.ISO_8859_1);
	}

	private static void digits(byte[] out, int at, int value, int width) {
		for (int i = at + width - 1; i >= at; i--) {
			out[i] = (byte) ('0' + value % 10);
			value /= 10;
		}
	}

}
