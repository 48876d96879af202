package dev.timefan.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

import dev.timefan.time.TimeObject;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What an upstream answer means: its status and {@code Retry-After}, and whether its body
 * is a valid time object of the zone asked.
 */
class ReplyTests {

	private static final String KOLKATA = "Asia/Kolkata";

	private static final String CALLER = "127.0.0.1";

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ObjectReader READER = Reply.reader(JSON);

	private final Zone kolkata = zone(KOLKATA);

	// Status and Retry-After

	@Test
	void validTimeObjectIsTheUpstreamsWithTheCallersIp() throws UpstreamFailure {
		TimeObject time = ok(ScriptedUpstream.body(KOLKATA)).read(this.kolkata, CALLER, READER);
		TimeObject upstream = ScriptedUpstream.timeObject(KOLKATA);
		assertThat(time).usingRecursiveComparison().ignoringFields("clientIp").isEqualTo(upstream);
		assertThat(time.clientIp()).isEqualTo(CALLER);
		assertThat(time.unixtime()).isEqualTo(ScriptedUpstream.NOW.getEpochSecond());
	}

	@ParameterizedTest(name = "HTTP {0}: retryable {1}")
	@CsvSource(textBlock = """
			500, true
			502, true
			503, true
			504, true
			429, true
			404, false
			400, false
			301, false
			199, false
			""")
	void statusOtherThan2xxIsAFailureRetryableForServerErrorsAndTooManyRequests(int status, boolean retryable) {
		UpstreamFailure failure = failure(new Reply(status, null, bytes("{\"error\":\"SECRET\"}")));
		assertThat(failure.getMessage()).isEqualTo("upstream answered HTTP " + status);
		assertThat(failure.detail()).isEqualTo("HTTP " + status + "; body of 18 bytes: '{\"error\":\"SECRET\"}'");
		assertThat(failure.retryable()).isEqualTo(retryable);
		assertThat(failure.retryAfter()).isNull();
	}

	@Test
	void failureCarriesTheRetryAfterOfItsAnswer() {
		assertThat(failure(new Reply(429, "7", new byte[0])).retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(failure(new Reply(503, "soon", new byte[0])).retryAfter()).isNull();
	}

	@ParameterizedTest(name = "\"{0}\" is {1} s")
	@CsvSource(textBlock = """
			0,          0
			1,          1
			120,        120
			' 3 ',      3
			999999999,  999999999
			""")
	void retryAfterInDelaySeconds(String value, long seconds) {
		assertThat(Reply.retryAfter(value)).isEqualTo(Duration.ofSeconds(seconds));
	}

	@Test
	void retryAfterAsAnHttpDateIsTheWaitUntilThen() {
		String inNinetySeconds = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(Instant.now().plusSeconds(90).atOffset(ZoneOffset.UTC));
		assertThat(Reply.retryAfter(inNinetySeconds)).isBetween(Duration.ofSeconds(80), Duration.ofSeconds(90));
	}

	@Test
	void retryAfterAsAnHttpDatePassedIsNoWait() {
		assertThat(Reply.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
	}

	@ParameterizedTest(name = "\"{0}\"")
	@NullAndEmptySource
	@ValueSource(
			strings = { "-5", "1.5", "soon", "1000000000", "2015-10-21T07:28:00Z", "Wed, 32 Oct 2015 07:28:00 GMT" })
	void unreadableRetryAfterIsIgnored(@Nullable String value) {
		assertThat(Reply.retryAfter(value)).isNull();
	}

	// Body

	@Test
	void bodyOverTheLimitIsInvalidEvenWhenItIsAValidTimeObject() {
		String valid = ScriptedUpstream.body(KOLKATA);
		byte[] atLimit = bytes(valid + " ".repeat(Reply.MAX_BODY - valid.length()));
		assertThat(atLimit).hasSize(Reply.MAX_BODY);
		assertThat(read(ok(atLimit)).timezone()).isEqualTo(KOLKATA);
		byte[] overLimit = bytes(valid + " ".repeat(Reply.MAX_BODY - valid.length() + 1));
		UpstreamFailure failure = failure(ok(overLimit));
		assertThat(failure.getMessage()).isEqualTo("upstream answer was too large");
		assertThat(failure.detail()).isEqualTo("a body over 65536 bytes");
		assertThat(failure.retryable()).isFalse();
	}

	@Test
	void bodyIsQuotedOnlyInTheDetailOnOneLineAndCutShort() {
		String body = "SECRET\r\n12:00:00 WARN forged line " + "x".repeat(500);
		UpstreamFailure failure = failure(ok(body));
		assertThat(failure.getMessage()).isEqualTo("upstream answered something that is not a time object");
		assertThat(failure.detail()).contains("body of 534 bytes: 'SECRET\\u000d\\u000a12:00:00 WARN forged line xxx")
			.endsWith("x...'")
			.doesNotContain("\r", "\n")
			.hasSizeLessThan(500);
	}

	@Test
	void bodyThatIsNotJsonIsInvalid() {
		assertThat(invalid(ok("<html><body>Service Unavailable</body></html>")))
			.startsWith("Unexpected character ('<' (code 60))");
	}

	@Test
	void emptyOrNullBodyIsInvalid() {
		assertThat(invalid(ok(""))).isNotEmpty();
		assertThat(invalid(new Reply(204, null, new byte[0]))).doesNotContain("body of");
		assertInvalid(ok("null"), "null");
	}

	@Test
	void jsonThatIsNoTimeObjectIsInvalid() {
		assertThat(invalid(ok("{\"error\":\"unknown location\"}"))).startsWith("Missing creator property 'utc_offset'");
		assertThat(invalid(ok("[]"))).isNotEmpty();
		assertThat(invalid(ok("\"Asia/Kolkata\""))).isNotEmpty();
	}

	@ParameterizedTest(name = "without {0}")
	@ValueSource(strings = { "utc_offset", "timezone", "day_of_week", "unixtime", "dst", "abbreviation", "dst_from",
			"dst_until", "client_ip" })
	void timeObjectMissingAFieldIsInvalid(String field) {
		assertThat(invalid(ok(edited((time) -> time.remove(field)))))
			.startsWith("Missing creator property '" + field + "'");
	}

	@ParameterizedTest(name = "{0} null")
	@ValueSource(strings = { "unixtime", "day_of_year", "raw_offset", "dst" })
	void timeObjectWithANullNumberOrFlagIsInvalid(String field) {
		assertThat(invalid(ok(edited((time) -> time.putNull(field))))).isNotEmpty();
	}

	@Test
	void timeObjectOfAnotherZoneIsTheWrongZone() {
		assertWrongZone(ok(ScriptedUpstream.body("Asia/Dhaka")), "timezone 'Asia/Dhaka' is not 'Asia/Kolkata'");
		assertWrongZone(ok(edited((time) -> time.putNull("timezone"))), "timezone 'null' is not 'Asia/Kolkata'");
	}

	@Test
	void timeObjectWhoseZoneDiffersOnlyInCaseIsValid() {
		assertThat(read(ok(edited((time) -> time.put("timezone", "asia/kolkata")))).timezone())
			.isEqualTo("asia/kolkata");
	}

	@ParameterizedTest(name = "{0} \"{1}\"")
	@CsvSource(textBlock = """
			datetime,      yesterday,                    datetime 'yesterday'
			datetime,      2001-09-09T07:16:40,          datetime '2001-09-09T07:16:40'
			datetime,      2001-09-31T07:16:40+05:30,    datetime '2001-09-31T07:16:40+05:30'
			utc_datetime,  1000000000,                   utc_datetime '1000000000'
			utc_offset,    Z,                            utc_offset 'Z'
			utc_offset,    +0530,                        utc_offset '+0530'
			utc_offset,    IST,                          utc_offset 'IST'
			abbreviation,  Indian Standard Time,         abbreviation 'Indian Standard Time'
			dst_from,      last spring,                  dst_from 'last spring'
			dst_until,     2026-13-01T00:00:00+00:00,    dst_until '2026-13-01T00:00:00+00:00'
			""")
	void timeObjectWithABadTimestampOrOffsetIsInvalid(String field, String value, String why) {
		assertInvalid(ok(edited((time) -> time.put(field, value))), why);
	}

	@ParameterizedTest(name = "{0} null")
	@CsvSource(textBlock = """
			datetime,      datetime is null
			utc_datetime,  utc_datetime is null
			utc_offset,    utc_offset 'null'
			abbreviation,  abbreviation 'null'
			""")
	void timeObjectWithANullStringItNeedsIsInvalid(String field, String why) {
		assertInvalid(ok(edited((time) -> time.putNull(field))), why);
	}

	@Test
	void timeObjectWithFieldsOfTheWrongTypeIsInvalid() {
		assertThat(invalid(ok(edited((time) -> time.put("dst", "yes"))))).isNotEmpty();
		assertThat(invalid(ok(edited((time) -> time.put("unixtime", "soon"))))).isNotEmpty();
	}

	@Test
	void timeObjectWithMoreFieldsIsValid() {
		assertThat(read(ok(edited((time) -> time.put("source", "mirror")))).timezone()).isEqualTo(KOLKATA);
	}

	private static Zone zone(String name) {
		Zone zone = CATALOG.find(name);
		assertThat(zone).as(name).isNotNull();
		return zone;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Reply ok(String body) {
		return ok(bytes(body));
	}

	private static Reply ok(byte[] body) {
		return new Reply(200, null, body);
	}

	/** The upstream's Asia/Kolkata answer, edited. */
	private static String edited(Consumer<ObjectNode> edit) {
		ObjectNode time = (ObjectNode) JSON.readTree(ScriptedUpstream.body(KOLKATA));
		edit.accept(time);
		return JSON.writeValueAsString(time);
	}

	private TimeObject read(Reply reply) {
		try {
			return reply.read(this.kolkata, CALLER, READER);
		}
		catch (UpstreamFailure ex) {
			throw new AssertionError("expected a valid time object, got: " + ex.getMessage(), ex);
		}
	}

	private UpstreamFailure failure(Reply reply) {
		UpstreamFailure failure = catchThrowableOfType(UpstreamFailure.class,
				() -> reply.read(this.kolkata, CALLER, READER));
		assertThat(failure).as("a failure").isNotNull();
		return failure;
	}

	/**
	 * The detail of the failure of a body that is no time object, which says only that to
	 * callers and is never retried.
	 */
	private String invalid(Reply reply) {
		UpstreamFailure failure = failure(reply);
		assertThat(failure.getMessage()).isEqualTo("upstream answered something that is not a time object");
		assertThat(failure.retryable()).isFalse();
		return failure.detail();
	}

	/** Invalid for the reason given, the body quoted after it. */
	private void assertInvalid(Reply reply, String why) {
		assertThat(invalid(reply)).startsWith(why + "; body of ");
	}

	private void assertWrongZone(Reply reply, String detail) {
		UpstreamFailure failure = failure(reply);
		assertThat(failure.getMessage()).isEqualTo("upstream answered the time of another zone");
		assertThat(failure.detail()).isEqualTo(detail);
		assertThat(failure.retryable()).isFalse();
	}

}
