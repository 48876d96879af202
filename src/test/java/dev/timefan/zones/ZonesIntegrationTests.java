package dev.timefan.zones;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.timefan.PatientClient;
import dev.timefan.fanout.FixedClockConfiguration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /zones/{zone}/transitions} and {@code /convert} over HTTP, against a real Tomcat
 * with the clock pinned at {@link FixedClockConfiguration#NOW} (2025-10-01T10:39:20Z).
 * Expected values are derived from the tz rules (EU: 01:00 UTC on the last Sundays of
 * March and October; US: 02:00 local on the second Sunday of March and the first of
 * November; Argentina: DST from 2007-12-30 to 2009-03-15, at local midnight).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "timefan.batch.max-size=50")
@AutoConfigureRestTestClient
@Import(FixedClockConfiguration.class)
class ZonesIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String LONDON_2026 = """
			{"timezone":"Europe/London","from":"2026-01-01T00:00:00+00:00","to":"2027-01-01T00:00:00+00:00",
			 "count":2,"truncated":false,"transitions":[
			 {"instant":"2026-03-29T01:00:00+00:00","unixtime":1774746000,
			  "before":{"datetime":"2026-03-29T01:00:00+00:00","utc_offset":"+00:00","abbreviation":"GMT","dst":false},
			  "after":{"datetime":"2026-03-29T02:00:00+01:00","utc_offset":"+01:00","abbreviation":"BST","dst":true}},
			 {"instant":"2026-10-25T01:00:00+00:00","unixtime":1792890000,
			  "before":{"datetime":"2026-10-25T02:00:00+01:00","utc_offset":"+01:00","abbreviation":"BST","dst":true},
			  "after":{"datetime":"2026-10-25T01:00:00+00:00","utc_offset":"+00:00","abbreviation":"GMT","dst":false}}]}""";

	private static final String NEW_YORK_GAP = """
			{"at":"2026-03-08T02:30:00","status":"gap",
			 "note":"2026-03-08T02:30:00 does not exist in America/New_York: its clocks went forward from 02:00 to 03:00 (-05:00 to -04:00); read as 2026-03-08T03:30:00-04:00, 1 hour later, as java.time does",
			 "instant":"2026-03-08T07:30:00+00:00","unixtime":1772955000,
			 "from":{"timezone":"America/New_York","datetime":"2026-03-08T03:30:00-04:00","utc_offset":"-04:00","abbreviation":"EDT","dst":true},
			 "to":{"timezone":"Europe/London","datetime":"2026-03-08T07:30:00+00:00","utc_offset":"+00:00","abbreviation":"GMT","dst":false},
			 "later":null}""";

	private static final String NEW_YORK_OVERLAP = """
			{"at":"2026-11-01T01:30:00","status":"overlap",
			 "note":"2026-11-01T01:30:00 happens twice in America/New_York: its clocks went back from 02:00 to 01:00 (-04:00 to -05:00); answered for the earlier, -04:00 (EDT); later is the other, -05:00 (EST)",
			 "instant":"2026-11-01T05:30:00+00:00","unixtime":1793511000,
			 "from":{"timezone":"America/New_York","datetime":"2026-11-01T01:30:00-04:00","utc_offset":"-04:00","abbreviation":"EDT","dst":true},
			 "to":{"timezone":"Asia/Kolkata","datetime":"2026-11-01T11:00:00+05:30","utc_offset":"+05:30","abbreviation":"IST","dst":false},
			 "later":{"instant":"2026-11-01T06:30:00+00:00","unixtime":1793514600,
			  "from":{"timezone":"America/New_York","datetime":"2026-11-01T01:30:00-05:00","utc_offset":"-05:00","abbreviation":"EST","dst":false},
			  "to":{"timezone":"Asia/Kolkata","datetime":"2026-11-01T12:00:00+05:30","utc_offset":"+05:30","abbreviation":"IST","dst":false}}}""";

	@LocalServerPort
	private int port;

	/**
	 * Waits up to a minute: the first {@code /v3/api-docs} takes over 10 s on a loaded
	 * machine.
	 */
	private @Nullable RestTestClient client;

	// Transitions

	@Test
	void aYearOfLondonHasItsTwoTransitionsWithTheClocksEitherSide() {
		assertThat(ok(get("/zones/Europe/London/transitions?from=2026-01-01&to=2027-01-01")))
			.isEqualTo(json(LONDON_2026));
	}

	@Test
	void theRangeTakesInstantsInAnyForm() {
		JsonNode transitions = ok(
				get("/zones/europe/london/transitions?from=2026-01-01T01:00:00%2B01:00&to=1798761600&limit=1000"));

		assertThat(transitions).isEqualTo(json(LONDON_2026));
	}

	@Test
	void theRangeDefaultsToAYearFromNow() {
		JsonNode transitions = ok(get("/zones/Europe/London/transitions"));

		assertThat(transitions.get("from").asString()).isEqualTo("2025-10-01T10:39:20+00:00");
		assertThat(transitions.get("to").asString()).isEqualTo("2026-10-01T10:39:20+00:00");
		assertThat(instants(transitions)).containsExactly("2025-10-26T01:00:00+00:00", "2026-03-29T01:00:00+00:00");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(
			textBlock = """
					/zones/GB/transitions?from=2026-01-01,                                              GB
					/zones/America/Argentina/Buenos_Aires/transitions?from=2007-01-01&to=2010-01-01,     America/Argentina/Buenos_Aires
					""")
	void oneAndThreeSegmentZonesAndAliasesAreAnsweredAsAsked(String path, String timezone) {
		JsonNode transitions = ok(get(path));

		assertThat(transitions.get("timezone").asString()).isEqualTo(timezone);
		assertThat(transitions.get("count").asInt()).isPositive();
	}

	@Test
	void argentinasLastDstIsListed() {
		JsonNode transitions = ok(
				get("/zones/America/Argentina/Buenos_Aires/transitions?from=2007-01-01&to=2010-01-01"));

		assertThat(instants(transitions)).containsExactly("2007-12-30T03:00:00+00:00", "2008-03-16T02:00:00+00:00",
				"2008-10-19T03:00:00+00:00", "2009-03-15T02:00:00+00:00");
		assertThat(transitions.get("transitions").get(0).get("after").get("abbreviation").asString()).isEqualTo("-02");
	}

	@Test
	void aZoneWithoutDstHasNoneInItsDefaultYear() {
		JsonNode transitions = ok(get("/zones/Asia/Kolkata/transitions"));

		assertThat(transitions.get("count").asInt()).isZero();
		assertThat(transitions.get("truncated").asBoolean()).isFalse();
		assertThat(transitions.get("transitions").isEmpty()).isTrue();
	}

	@Test
	void moreTransitionsThanTheLimitAreTruncated() {
		JsonNode transitions = ok(get("/zones/America/New_York/transitions?from=2026-01-01&to=2036-01-01&limit=3"));

		assertThat(transitions.get("count").asInt()).isEqualTo(3);
		assertThat(transitions.get("truncated").asBoolean()).isTrue();
		assertThat(instants(transitions)).containsExactly("2026-03-08T07:00:00+00:00", "2026-11-01T06:00:00+00:00",
				"2027-03-14T07:00:00+00:00");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					/zones/Europe/London/transitions?from=2027-01-01&to=2026-01-01   | from=2027-01-01T00:00:00+00:00 is after to=2026-01-01T00:00:00+00:00
					/zones/Europe/London/transitions?to=2025-01-01                   | from=2025-10-01T10:39:20+00:00 is after to=2025-01-01T00:00:00+00:00 (from defaults to now)
					/zones/Europe/London/transitions?from=soon                       | cannot read from='soon': expected an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00), epoch seconds (1774747800) or a date (2026-03-29)
					/zones/Europe/London/transitions?to=2026-03-29T02:30             | cannot read to='2026-03-29T02:30': a date-time without Z or an offset names no instant; add one, such as 2026-03-29T02:30Z for UTC
					/zones/Europe/London/transitions?from=0001-01-01                 | cannot read from='0001-01-01': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					/zones/Europe/London/transitions?limit=0                         | limit=0 is out of range: from 1 to 1000
					/zones/Europe/London/transitions?limit=1001                      | limit=1001 is out of range: from 1 to 1000
					/zones/Europe/London/transitions?limit=many                      | Failed to convert 'limit' with value: 'many'
					""")
	void aRangeThatCannotBeReadIsABadRequestThatSaysWhy(String path, String detail) {
		assertThat(problem(get(path), 400).get("detail").asString()).isEqualTo(detail);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					/zones/Europe/Londn/transitions                     | unknown time zone 'Europe/Londn'          | Europe/London
					/convert?from=America/New_Yrk&to=UTC                | unknown time zone 'America/New_Yrk'       | America/New_York
					/convert?from=UTC&to=Asia/Kolkatta&at=2026-03-08T02:30 | unknown time zone 'Asia/Kolkatta'     | Asia/Kolkata
					""")
	void anUnknownZoneIsNotFoundWithSuggestions(String path, String detail, String suggestion) {
		JsonNode problem = problem(get(path), 404);

		assertThat(problem.get("type").asString()).isEqualTo("urn:timefan:problem:unknown-zone");
		assertThat(problem.get("detail").asString()).isEqualTo(detail);
		assertThat(problem.get("suggestions").get(0).asString()).isEqualTo(suggestion);
	}

	// Convert

	@Test
	void aLocalTimeInAGapIsMovedLaterAndSaysSo() {
		assertThat(ok(get("/convert?from=America/New_York&to=Europe/London&at=2026-03-08T02:30")))
			.isEqualTo(json(NEW_YORK_GAP));
	}

	@Test
	void aLocalTimeInAnOverlapIsAnsweredForTheEarlierWithTheLaterBeside() {
		assertThat(ok(get("/convert?from=america/new_york&to=Asia/Kolkata&at=2026-11-01T01:30")))
			.isEqualTo(json(NEW_YORK_OVERLAP));
	}

	@Test
	void anInstantConvertsUniquely() {
		JsonNode conversion = ok(get("/convert?from=America/New_York&to=GB&at=2026-03-08T07:30:00Z"));

		assertThat(conversion.get("status").asString()).isEqualTo("unique");
		assertThat(conversion.get("note").isNull()).isTrue();
		assertThat(conversion.get("from").get("datetime").asString()).isEqualTo("2026-03-08T03:30:00-04:00");
		assertThat(conversion.get("to").get("timezone").asString()).isEqualTo("GB");
		assertThat(conversion.get("to").get("datetime").asString()).isEqualTo("2026-03-08T07:30:00+00:00");
	}

	@Test
	void withoutAtNowIsConverted() {
		JsonNode conversion = ok(get("/convert?from=Europe/London&to=Australia/Lord_Howe"));

		assertThat(conversion.get("at").asString()).isEqualTo("2025-10-01T10:39:20.975255+00:00");
		assertThat(conversion.get("from").get("datetime").asString()).isEqualTo("2025-10-01T11:39:20.975255+01:00");
		assertThat(conversion.get("to").get("datetime").asString()).isEqualTo("2025-10-01T21:09:20.975255+10:30");
		assertThat(conversion.get("to").get("abbreviation").asString()).isEqualTo("+1030");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					/convert?from=UTC&to=GB&at=2026-03-08       | cannot read at='2026-03-08': a date alone is no date-time; add a time, such as 2026-03-08T12:00
					/convert?from=UTC&to=GB&at=noon             | cannot read at='noon': expected a local date-time (2026-03-29T02:30), or an ISO-8601 instant with Z or an offset (2026-03-29T01:30:00Z) or epoch seconds (1774747800)
					/convert?from=UTC&to=GB&at=0001-01-01T12:00 | cannot read at='0001-01-01T12:00': out of range; times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered
					/convert?to=GB                              | Required parameter 'from' is not present.
					/convert?from=UTC                           | Required parameter 'to' is not present.
					""")
	void aConversionThatCannotBeReadIsABadRequestThatSaysWhy(String path, String detail) {
		assertThat(problem(get(path), 400).get("detail").asString()).isEqualTo(detail);
	}

	@Test
	void theOpenApiDescriptionHasTransitionsAndConvert() {
		JsonNode paths = ok(get("/v3/api-docs")).get("paths");

		for (String path : List.of("/zones/{zone}/transitions", "/zones/{area}/{location}/transitions",
				"/zones/{area}/{location}/{region}/transitions")) {
			JsonNode get = paths.get(path).get("get");
			assertThat(get.get("parameters").valueStream().map((parameter) -> parameter.get("name").asString()))
				.as(path)
				.contains("from", "to", "limit");
			assertThat(get.get("responses").propertyNames()).as(path).contains("200", "400", "404");
		}
		JsonNode convert = paths.get("/convert").get("get");
		assertThat(convert.get("parameters").valueStream().map((parameter) -> parameter.get("name").asString()))
			.containsExactly("from", "to", "at");
		assertThat(convert.get("responses").propertyNames()).contains("200", "400", "404");
	}

	// Helpers

	private static List<String> instants(JsonNode transitions) {
		return transitions.get("transitions").valueStream().map((t) -> t.get("instant").asString()).toList();
	}

	private static JsonNode ok(Reply reply) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.contentType()).isNotNull();
		assertThat(reply.contentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
		return reply.json();
	}

	private static JsonNode problem(Reply reply, int status) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		assertThat(reply.contentType()).isNotNull();
		assertThat(reply.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
		assertThat(reply.body()).doesNotContain("Exception", "dev.timefan");
		return reply.json();
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	private Reply get(String path) {
		if (this.client == null) {
			this.client = PatientClient.to(this.port);
		}
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri(URI.create("http://127.0.0.1:" + this.port + path))
			.exchange()
			.returnResult(byte[].class);
		byte[] content = result.getResponseBody();
		return new Reply(result.getStatus().value(), result.getResponseHeaders().getContentType(),
				(content != null) ? new String(content, StandardCharsets.UTF_8) : "");
	}

	private record Reply(int status, @Nullable MediaType contentType, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
