package dev.timefan.fanout;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.timefan.ByteEdit;
import dev.timefan.Hostile;
import dev.timefan.JsonText;
import dev.timefan.Hostile.Attempt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests of {@link ZoneNames}, the parsers of a fan-out request's path,
 * {@code zones} parameters and JSON body: whatever a caller sends, they answer names or a
 * 400 problem, never another exception, never a hang. A body that is a JSON array of
 * strings comes back as exactly those strings, however it is spelled.
 */
class ZoneNamesFuzzTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/** The default {@code timefan.batch.max-body-size}. */
	private static final long MAX_BYTES = 256 * 1024;

	private static final String WHITESPACE = " \t\n\r";

	// fromPath

	@Property(tries = 500)
	void aPathAnswersOneNamePerCommaItemUnderItsPrefix(
			@ForAll @Size(min = 1, max = 3) List<@From("hostile") String> segments) {
		String last = segments.getLast();
		String prefix = String.join("/", segments.subList(0, segments.size() - 1));

		Attempt<List<String>> names = Hostile.attempt(() -> ZoneNames.fromPath(segments.toArray(String[]::new)));

		assertThat(names.thrown()).as("fromPath threw").isNull();
		List<String> items = Arrays.asList(last.split(",", -1));
		assertThat(names.value()).hasSize(items.size());
		for (int i = 0; i < items.size(); i++) {
			assertThat(names.value().get(i)).isEqualTo(prefix.isEmpty() ? items.get(i) : prefix + "/" + items.get(i));
		}
	}

	// fromQuery

	@Property(tries = 500)
	void queryValuesAnswerTheirCommaItemsOrABadRequestWhenAllAreEmpty(
			@ForAll @Size(max = 4) List<@From("hostile") String> values) {
		List<String> items = values.stream().flatMap((value) -> Arrays.stream(value.split(",", -1))).toList();

		Attempt<List<String>> names = Hostile.attempt(() -> ZoneNames.fromQuery(values));

		if (items.stream().allMatch(String::isEmpty)) {
			assertBadRequest(names);
		}
		else {
			assertThat(names.thrown()).as("fromQuery threw").isNull();
			assertThat(names.value()).isEqualTo(items);
		}
	}

	// fromBody

	@Property(tries = 500)
	void anArrayOfStringsComesBackAsItsStringsHoweverItIsSpelled(@ForAll("stringArrays") List<String> zones,
			@ForAll boolean escapeAll, @ForAll("whitespace") String space) {
		byte[] body = JsonText.write(zones, escapeAll, space).getBytes(StandardCharsets.UTF_8);

		Attempt<List<String>> names = Hostile.attempt(() -> fromBody(body, body.length));

		if (body.length > MAX_BYTES) {
			assertBadRequest(names);
		}
		else {
			assertThat(names.thrown()).as("fromBody threw").isNull();
			assertThat(names.value()).isEqualTo(zones);
		}
	}

	@Property(tries = 200)
	void anyJsonValueIsItsStringsOrABadRequest(@ForAll("jsonValues") Object value, @ForAll boolean escapeAll,
			@ForAll("whitespace") String space) {
		byte[] body = JsonText.write(value, escapeAll, space).getBytes(StandardCharsets.UTF_8);

		Attempt<List<String>> names = Hostile.attempt(() -> fromBody(body, -1));

		if (body.length <= MAX_BYTES && value instanceof List<?> list
				&& list.stream().allMatch((item) -> item instanceof String)) {
			assertThat(names.thrown()).as("fromBody threw").isNull();
			assertThat(names.value()).isEqualTo(list);
		}
		else {
			assertBadRequest(names);
		}
	}

	@Property(tries = 500)
	void randomBytesAreStringsOrABadRequest(@ForAll("bodies") byte[] body) {
		assertNamesOrBadRequest(Hostile.attempt(() -> fromBody(body, body.length)));
	}

	@Property(tries = 300)
	void anArrayInAnotherUnicodeEncodingIsItsStringsOrABadRequest(@ForAll("stringArrays") List<String> zones,
			@ForAll("encodings") Charset encoding, @ForAll boolean byteOrderMark,
			@ForAll("edits") List<ByteEdit> edits) {
		String json = (byteOrderMark ? "\uFEFF" : "") + JsonText.write(zones, false, "");
		byte[] body = ByteEdit.applyAll(json.getBytes(encoding), edits);

		assertNamesOrBadRequest(Hostile.attempt(() -> fromBody(body, -1)));
	}

	@Property(tries = 100)
	void deepNestingIsABadRequestWithoutOverflowingTheStack(@ForAll @IntRange(min = 1, max = 150_000) int depth,
			@ForAll("openers") String opener, @ForAll boolean closed) {
		String closer = switch (opener) {
			case "[" -> "]";
			case "[{\"\":" -> "}]";
			default -> "}";
		};
		String json = opener.repeat(depth) + (closed ? (opener.equals("[") ? "" : "null") + closer.repeat(depth) : "");
		byte[] body = json.getBytes(StandardCharsets.UTF_8);

		Attempt<List<String>> names = Hostile.attempt(() -> fromBody(body, -1));

		if (json.equals("[]")) {
			assertThat(names.value()).isEmpty();
		}
		else {
			assertBadRequest(names);
		}
	}

	@Property(tries = 100)
	void aHugeStringIsOneNameUpToTheLimitAndABadRequestBeyond(@ForAll @IntRange(max = 300_000) int length,
			@ForAll("hostileChars") char c) {
		String zone = Hostile.repeat(c, length);
		byte[] body = JsonText.write(List.of(zone), false, "").getBytes(StandardCharsets.UTF_8);

		Attempt<List<String>> names = Hostile.attempt(() -> fromBody(body, -1));

		if (body.length > MAX_BYTES) {
			assertBadRequest(names);
		}
		else {
			assertThat(names.value()).as("%s", names.thrown()).containsExactly(zone);
		}
	}

	@Property(tries = 100)
	void aHugeNumberIsABadRequest(@ForAll @IntRange(min = 1, max = 300_000) int digits, @ForAll boolean inArray,
			@ForAll("exponents") String exponent) {
		String number = "9".repeat(digits) + exponent;
		byte[] body = (inArray ? "[" + number + "]" : number).getBytes(StandardCharsets.US_ASCII);

		assertBadRequest(Hostile.attempt(() -> fromBody(body, -1)));
	}

	@Property(tries = 500)
	void aLyingContentLengthChangesNothingButTheRefusalUpFront(@ForAll("bodies") byte[] body,
			@ForAll("declaredLengths") long declared) {
		Attempt<List<String>> honest = Hostile.attempt(() -> fromBody(body, body.length));
		Attempt<List<String>> lying = Hostile.attempt(() -> fromBody(body, declared));

		if (declared > MAX_BYTES) {
			assertBadRequest(lying);
		}
		else {
			assertThat(lying.value()).isEqualTo(honest.value());
			assertThat(detail(lying.thrown())).isEqualTo(detail(honest.thrown()));
		}
	}

	@Property(tries = 300)
	void aBodyThatBreaksOffOrTricklesInIsItsStringsOrABadRequest(@ForAll("bodies") byte[] body,
			@ForAll @IntRange(max = 70_000) int breakAt, @ForAll boolean trickle) {
		InputStream in = new FilterInputStream(new ByteArrayInputStream(body)) {

			private int read;

			@Override
			public int read() throws IOException {
				check(1);
				int b = super.read();
				this.read += (b >= 0) ? 1 : 0;
				return b;
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				int wanted = trickle ? Math.min(length, 1) : length;
				check(wanted);
				int n = super.read(buffer, offset, Math.min(wanted, Math.max(1, breakAt - this.read)));
				this.read += Math.max(n, 0);
				return n;
			}

			private void check(int wanted) throws IOException {
				if (wanted > 0 && this.read >= breakAt && this.read < body.length) {
					throw new IOException("connection reset");
				}
			}

		};

		Attempt<List<String>> names = Hostile.attempt(() -> ZoneNames.fromBody(in, -1, MAX_BYTES, MAPPER));

		if (breakAt < body.length) {
			assertBadRequest(names);
		}
		else {
			assertNamesOrBadRequest(names);
		}
	}

	@Example
	void oneHundredThousandOpeningBracketsAreABadRequest() {
		byte[] body = Hostile.repeat('[', 100_000).getBytes(StandardCharsets.US_ASCII);

		assertBadRequest(Hostile.attempt(() -> fromBody(body, body.length)));
	}

	@Example
	void aGigabyteDeclaredIsRefusedWithoutReadingAByte() {
		InputStream endless = new InputStream() {

			@Override
			public int read() {
				throw new AssertionError("the body was read");
			}

		};

		assertBadRequest(Hostile.attempt(() -> ZoneNames.fromBody(endless, 1L << 30, MAX_BYTES, MAPPER)));
	}

	@Example
	void anEndlessBodyIsReadNoFurtherThanTheLimit() {
		InputStream endless = new InputStream() {

			private long read;

			@Override
			public int read() {
				this.read++;
				assertThat(this.read).isLessThanOrEqualTo(MAX_BYTES + 1);
				return '[';
			}

		};

		assertBadRequest(Hostile.attempt(() -> ZoneNames.fromBody(endless, -1, MAX_BYTES, MAPPER)));
	}

	private static List<String> fromBody(byte[] body, long declaredLength) {
		return ZoneNames.fromBody(new ByteArrayInputStream(body), declaredLength, MAX_BYTES, MAPPER);
	}

	private static void assertBadRequest(Attempt<?> attempt) {
		assertThat(attempt.thrown()).as("a 400 problem, got value %s", attempt.value())
			.isInstanceOfSatisfying(ErrorResponseException.class,
					(ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(400));
	}

	private static void assertNamesOrBadRequest(Attempt<List<String>> attempt) {
		if (attempt.thrown() != null) {
			assertBadRequest(attempt);
		}
		else {
			assertThat(attempt.value()).isNotNull().doesNotContainNull().allMatch((name) -> name instanceof String);
		}
	}

	private static @Nullable String detail(@Nullable Throwable thrown) {
		return (thrown instanceof ErrorResponseException ex) ? ex.getBody().getDetail() : String.valueOf(thrown);
	}

	@Provide
	Arbitrary<String> hostile() {
		return Hostile.strings();
	}

	@Provide
	Arbitrary<Character> hostileChars() {
		return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.chars().all()),
				Tuple.of(2, Arbitraries.of(Hostile.TRICKY.chars().mapToObj((c) -> (char) c).toList())));
	}

	@Provide
	Arbitrary<String> whitespace() {
		return Arbitraries.strings().withChars(WHITESPACE).ofMaxLength(3);
	}

	@Provide
	Arbitrary<List<String>> stringArrays() {
		Arbitrary<String> names = Arbitraries.frequencyOf(Tuple.of(90, Hostile.names()),
				Tuple.of(10, Arbitraries.just("")), Tuple.of(1, Hostile.huge()));
		return names.list().ofMaxSize(12);
	}

	@Provide
	Arbitrary<Object> jsonValues() {
		Arbitrary<Object> leaves = Arbitraries.oneOf(Hostile.names().map(Object.class::cast),
				Arbitraries.integers().map(Object.class::cast), Arbitraries.longs().map(Object.class::cast),
				Arbitraries.bigIntegers()
					.between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
					.map(Object.class::cast),
				Arbitraries.of("1e400", "-1e-400", "-0", "0.0", "1E+2147483648", "123456789.123456789e-99999")
					.map(JsonText.Number::new)
					.map(Object.class::cast),
				Arbitraries.of(true, false).map(Object.class::cast), Arbitraries.just(JsonText.NULL));
		return Arbitraries.recursive(() -> leaves, (inner) -> Arbitraries.oneOf(
				inner.list().ofMaxSize(5).map(Object.class::cast),
				Combinators.combine(Hostile.names().list().ofMaxSize(4), inner.list().ofSize(4)).as((keys, values) -> {
					Map<String, Object> object = new LinkedHashMap<>();
					for (int i = 0; i < keys.size(); i++) {
						object.put(keys.get(i), values.get(i));
					}
					return (Object) object;
				})), 0, 4);
	}

	/**
	 * Bodies: JSON arrays of names, intact or mutated, and random bytes, with or without
	 * a byte order mark.
	 */
	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<byte[]> arrays = stringArrays()
			.map((zones) -> JsonText.write(zones, false, "").getBytes(StandardCharsets.UTF_8));
		Arbitrary<byte[]> mutated = Combinators.combine(arrays, ByteEdit.edits(1, 4)).as(ByteEdit::applyAll);
		Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
		Arbitrary<byte[]> marked = Combinators
			.combine(Arbitraries.of(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF },
					new byte[] { (byte) 0xFE, (byte) 0xFF }, new byte[] { (byte) 0xFF, (byte) 0xFE },
					new byte[] { 0, 0, (byte) 0xFE, (byte) 0xFF }, new byte[] { (byte) 0xFF, (byte) 0xFE, 0, 0 },
					new byte[] { 0, 0, 0, '[' }, new byte[] { 0, '[' }, new byte[] { '[', 0 }), random)
			.as((mark, rest) -> {
				byte[] body = Arrays.copyOf(mark, mark.length + rest.length);
				System.arraycopy(rest, 0, body, mark.length, rest.length);
				return body;
			});
		return Arbitraries.frequencyOf(Tuple.of(2, arrays), Tuple.of(4, mutated), Tuple.of(2, random),
				Tuple.of(2, marked));
	}

	@Provide
	Arbitrary<List<ByteEdit>> edits() {
		return ByteEdit.edits(0, 4);
	}

	@Provide
	Arbitrary<Charset> encodings() {
		return Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
				Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"));
	}

	@Provide
	Arbitrary<Long> declaredLengths() {
		return Arbitraries.oneOf(Arbitraries.of(-1L, 0L, 1L, MAX_BYTES, MAX_BYTES + 1, Long.MAX_VALUE, Long.MIN_VALUE,
				(long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L), Arbitraries.longs().between(-2, 600));
	}

	@Provide
	Arbitrary<String> openers() {
		return Arbitraries.of("[", "{\"a\":", "[{\"\":");
	}

	@Provide
	Arbitrary<String> exponents() {
		return Arbitraries.of("", ".5", "e999999999", "E-999999999", ".0e+2147483648");
	}

}
