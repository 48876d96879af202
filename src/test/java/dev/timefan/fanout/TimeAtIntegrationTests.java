package dev.timefan.fanout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.timefan.PatientClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code ?at=} on every fan-out endpoint, through every strategy (worker processes
 * included, as real child JVMs) and {@code /compare/time}, against a real Tomcat. The
 * service's clock is pinned elsewhere ({@link FixedClockConfiguration}), so an answer
 * that shows it has not answered for the instant asked. The expected time objects are
 * derived by hand from the tz rules (EU: DST from 01:00 UTC on the last Sunday of March;
 * US: from 02:00 local on the second Sunday of March; Lord Howe: half an hour of DST
 * until 02:00 local on the first Sunday of April).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "timefan.batch.max-size=" + FanoutEndpointsIntegrationTests.MAX_BATCH)
@AutoConfigureRestTestClient
@Import(FixedClockConfiguration.class)
class TimeAtIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CLIENT_IP = "127.0.0.1";

	/** One hour and a half after London's clocks went forward, as three spellings. */
	private static final String AT = "2026-03-29T01:30:00Z";

	private static final List<String> SPELLINGS = List.of(AT, "2026-03-29T03%3A30%3A00%2B02%3A00", "1774747800",
			"2026-03-28T20:30:00-05:00");

	private static final String LONDON = """
			{"utc_offset":"+01:00","timezone":"Europe/London","day_of_week":0,"day_of_year":88,
			 "datetime":"2026-03-29T02:30:00.000000+01:00","utc_datetime":"2026-03-29T01:30:00.000000+00:00",
			 "unixtime":1774747800,"raw_offset":0,"week_number":13,"dst":true,"abbreviation":"BST",
			 "dst_offset":3600,"dst_from":"2026-03-29T01:00:00+00:00","dst_until":"2026-10-25T01:00:00+00:00",
			 "client_ip":"127.0.0.1"}""";

	private static final String NEW_YORK = """
			{"utc_offset":"-04:00","timezone":"America/New_York","day_of_week":6,"day_of_year":87,
			 "datetime":"2026-03-28T21:30:00.000000-04:00","utc_datetime":"2026-03-29T01:30:00.000000+00:00",
			 "unixtime":1774747800,"raw_offset":-18000,"week_number":13,"dst":true,"abbreviation":"EDT",
			 "dst_offset":3600,"dst_from":"2026-03-08T07:00:00+00:00","dst_until":"2026-11-01T06:00:00+00:00",
			 "client_ip":"127.0.0.1"}""";

	private static final String LORD_HOWE = """
			{"utc_offset":"+11:00","timezone":"Australia/Lord_Howe","day_of_week":0,"day_of_year":88,
			 "datetime":"2026-03-29T12:30:00.000000+11:00","utc_datetime":"2026-03-29T01:30:00.000000+00:00",
			 "unixtime":1774747800,"raw_offset":37800,"week_number":13,"dst":true,"abbreviation":"+11",
			 "dst_offset":1800,"dst_from":"2025-10-04T15:30:00+00:00","dst_until":"2026-04-04T15:00:00+00:00",
			 "client_ip":"127.0.0.1"}""";

	private static final String KOLKATA = """
			{"utc_offset":"+05:30","timezone":"Asia/Kolkata","day_of_week":0,"day_of_year":88,
			 "datetime":"2026-03-29T07:00:00.000000+05:30","utc_datetime":"2026-03-29T01:30:00.000000+00:00",
			 "unixtime":1774747800,"raw_offset":19800,"week_number":13,"dst":false,"abbreviation":"IST",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String GMT_PLUS_5 = """
			{"utc_offset":"-05:00","timezone":"Etc/GMT+5","day_of_week":6,"day_of_year":87,
			 "datetime":"2026-03-28T20:30:00.000000-05:00","utc_datetime":"2026-03-29T01:30:00.000000+00:00",
			 "unixtime":1774747800,"raw_offset":-18000,"week_number":13,"dst":false,"abbreviation":"-05",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String UPSTREAM_DETAIL = "source=upstream cannot answer at=: an upstream knows only the "
			+ "present, so at= is answered from the local tz database; drop source=upstream or ask source=local";

	@LocalServerPort
	private int port;

	/**
	 * Waits up to a minute: the first {@code /v3/api-docs} takes over 10 s on a loaded
	 * machine.
	 */
	private @Nullable RestTestClient client;

	/** The strategy prefixes; "" is the default route. */
	static Stream<String> strategies() {
		return Stream.of("threads", "virtual", "processes", "reactive", "");
	}

	static Stream<Arguments> strategiesAndSpellings() {
		return strategies().flatMap((strategy) -> SPELLINGS.stream().map((at) -> arguments(strategy, at)));
	}

	static Stream<Arguments> strategiesAndUnreadableValues() {
		return strategies().flatMap((strategy) -> Stream.of(
				arguments(strategy, "soon",
						"cannot read at='soon': expected an ISO-8601 instant with Z or an offset "
								+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)"),
				arguments(strategy, "2026-03-29T02:30",
						"cannot read at='2026-03-29T02:30': a date-time without Z or an offset names no instant; "
								+ "add one, such as 2026-03-29T02:30Z for UTC"),
				arguments(strategy, "10000-01-01T00:00:00Z",
						"cannot read at='10000-01-01T00:00:00Z': out of range; "
								+ "times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered"),
				arguments(strategy, "-62135683200",
						"cannot read at='-62135683200': out of range; "
								+ "times from 0001-01-02 up to 9999-12-31 (UTC for an instant) are answered"),
				arguments(strategy, "", "cannot read at='': expected an ISO-8601 instant with Z or an offset "
						+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00) or epoch seconds (1774747800)")));
	}

	@ParameterizedTest(name = "strategy \"{0}\" at={1}")
	@MethodSource("strategiesAndSpellings")
	void aSingleLookupAnswersEveryFieldAsOfTheInstantAsked(String strategy, String at) {
		Reply reply = get(path(strategy, "/time/Europe/London?at=" + at));

		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.json()).isEqualTo(json(LONDON));
		assertThat(reply.headers().get("Timefan-Source")).containsExactly("local");
	}

	@ParameterizedTest(name = "strategy \"{0}\"")
	@MethodSource("strategies")
	void oneAndThreeSegmentZonesAnswerAtTheInstantToo(String strategy) {
		JsonNode utc = time(get(path(strategy, "/time/UTC?at=1774747800.25")));
		assertThat(utc.get("datetime").asString()).isEqualTo("2026-03-29T01:30:00.250000+00:00");
		assertThat(utc.get("unixtime").asLong()).isEqualTo(1774747800L);
		assertThat(
				time(get(path(strategy, "/time/America/Argentina/Buenos_Aires?at=" + AT))).get("datetime").asString())
			.isEqualTo("2026-03-28T22:30:00.000000-03:00");
	}

	@ParameterizedTest(name = "strategy \"{0}\"")
	@MethodSource("strategies")
	void everyKindOfBatchAnswersEveryItemAsOfTheInstantAsked(String strategy) {
		List<JsonNode> expected = List.of(json(LONDON), json(NEW_YORK), json(LORD_HOWE), json(KOLKATA),
				json(GMT_PLUS_5));
		String names = "Europe/London,America/New_York,Australia/Lord_Howe,Asia/Kolkata,Etc/GMT%2B5";

		assertThat(times(batch(get(path(strategy, "/time?zones=" + names + "&at=" + AT))))).isEqualTo(expected);
		assertThat(times(batch(postJson(path(strategy, "/time?at=" + AT + "&source=local"),
				"[\"Europe/London\",\"America/New_York\",\"Australia/Lord_Howe\",\"Asia/Kolkata\",\"Etc/GMT+5\"]"))))
			.isEqualTo(expected);
		assertThat(times(batch(get(path(strategy, "/time/America/New_York,Nowhere?at=" + AT)))))
			.containsExactly(json(NEW_YORK), null);
	}

	/**
	 * Fifty zones from all over the catalog, at an instant in northern winter and one in
	 * northern summer: worker processes, which answer in other JVMs, give every field
	 * alike.
	 */
	@ParameterizedTest(name = "at={0}")
	@CsvSource(textBlock = """
			2026-01-15T12:34:56.789012Z
			2026-07-15T23:59:59Z
			1975-06-01T00:00:00Z
			""")
	void everyStrategyAnswersTheSameObjectsForTheSameInstant(String at) {
		Reply all = get("/api/timezone");
		List<String> catalog = all.json().valueStream().map(JsonNode::asString).toList();
		String body = JSON.writeValueAsString(IntStream.range(0, FanoutEndpointsIntegrationTests.MAX_BATCH)
			.mapToObj((i) -> catalog.get(i * catalog.size() / FanoutEndpointsIntegrationTests.MAX_BATCH))
			.toList());

		List<JsonNode> threads = times(batch(postJson("/threads/time?at=" + at, body)));
		assertThat(threads).doesNotContainNull()
			.allSatisfy((time) -> assertThat(time.get("utc_datetime").asString()).startsWith(at.substring(0, 19)));
		for (String strategy : List.of("virtual", "processes", "reactive")) {
			assertThat(times(batch(postJson("/" + strategy + "/time?at=" + at, body)))).as(strategy).isEqualTo(threads);
		}
	}

	@ParameterizedTest(name = "strategy \"{0}\" at={1}")
	@MethodSource("strategiesAndUnreadableValues")
	void anUnreadableInstantIsABadRequestQuotingIt(String strategy, String at, String detail) {
		for (Reply reply : List.of(get(path(strategy, "/time/UTC?at=" + at)),
				get(path(strategy, "/time/Asia/Kolkata,Dhaka?at=" + at)),
				get(path(strategy, "/time?zones=UTC&at=" + at)),
				postJson(path(strategy, "/time?at=" + at), "[\"UTC\"]"))) {
			assertThat(problem(reply, 400).get("detail").asString()).isEqualTo(detail);
		}
	}

	@ParameterizedTest(name = "strategy \"{0}\"")
	@MethodSource("strategies")
	void anInstantFromTheUpstreamIsABadRequest(String strategy) {
		for (Reply reply : List.of(get(path(strategy, "/time/UTC?source=upstream&at=" + AT)),
				get(path(strategy, "/time/Asia/Kolkata,Dhaka?source=upstream&at=" + AT)),
				postJson(path(strategy, "/time?source=upstream&at=" + AT), "[\"UTC\"]"))) {
			JsonNode problem = problem(reply, 400);
			assertThat(problem.get("type").asString()).isEqualTo("urn:timefan:problem:bad-request");
			assertThat(problem.get("detail").asString()).isEqualTo(UPSTREAM_DETAIL);
		}
	}

	@ParameterizedTest(name = "strategy \"{0}\"")
	@MethodSource("strategies")
	void anUnknownZoneAtAnInstantIsStillNotFoundWithSuggestions(String strategy) {
		JsonNode problem = problem(get(path(strategy, "/time/Europe/Londn?at=" + AT)), 404);

		assertThat(problem.get("suggestions").get(0).asString()).isEqualTo("Europe/London");
	}

	@Test
	void compareAtAnInstantRunsEveryStrategyForItAndAgreesOnEveryField() {
		Reply reply = get("/compare/time?zones=Europe/London,America/New_York,Australia/Lord_Howe,Nowhere&at=" + AT);

		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		JsonNode compare = reply.json();
		assertThat(compare.get("source").asString()).isEqualTo("local");
		assertThat(compare.get("agree").asBoolean()).isTrue();
		assertThat(compare.get("runs").values())
			.extracting((run) -> run.get("strategy").asString(), (run) -> run.get("succeeded").asInt(),
					(run) -> run.get("failed").asInt())
			.containsExactly(tuple("threads", 3, 1), tuple("virtual", 3, 1), tuple("processes", 3, 1),
					tuple("reactive", 3, 1));
		Reply posted = postJson("/compare/time?at=1774747800", "[\"UTC\",\"GB\"]");
		assertThat(posted.status()).as(posted.body()).isEqualTo(200);
		assertThat(posted.json().get("agree").asBoolean()).isTrue();
	}

	@Test
	void compareRefusesWhatTheFanoutEndpointsRefuseAtAnInstant() {
		assertThat(problem(get("/compare/time?zones=UTC&at=2026-03-29T02:30"), 400).get("detail").asString())
			.startsWith("cannot read at='2026-03-29T02:30'");
		assertThat(problem(get("/compare/time?zones=UTC&source=upstream&at=" + AT), 400).get("detail").asString())
			.isEqualTo(UPSTREAM_DETAIL);
		assertThat(problem(postJson("/compare/time?at=garbage", "[\"UTC\"]"), 400).get("detail").asString())
			.startsWith("cannot read at='garbage'");
	}

	@Test
	void theOpenApiDescriptionOffersAtOnEveryFanoutAndCompareOperation() {
		JsonNode paths = get("/v3/api-docs").json().get("paths");
		List<String> operations = new ArrayList<>();
		for (String strategy : List.of("/threads", "/virtual", "/processes", "/reactive", "")) {
			operations.add(strategy + "/time/{zone} get");
			operations.add(strategy + "/time/{area}/{location} get");
			operations.add(strategy + "/time/{area}/{location}/{region} get");
			operations.add(strategy + "/time get");
			operations.add(strategy + "/time post");
		}
		operations.add("/compare/time get");
		operations.add("/compare/time post");
		assertThat(operations).allSatisfy((operation) -> {
			String[] parts = operation.split(" ");
			JsonNode parameters = paths.get(parts[0]).get(parts[1]).get("parameters");
			assertThat(parameters.valueStream().map((parameter) -> parameter.get("name").asString())).as(operation)
				.contains("at", "source");
		});
	}

	// Helpers

	private static JsonNode time(Reply reply) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		return reply.json();
	}

	private static JsonNode batch(Reply reply) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.json().get("source").asString()).isEqualTo("local");
		return reply.json();
	}

	private static List<@Nullable JsonNode> times(JsonNode batch) {
		return batch.get("results").valueStream().map((item) -> item.get("time")).toList();
	}

	private static JsonNode problem(Reply reply, int status) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		MediaType type = reply.headers().getContentType();
		assertThat(type).isNotNull();
		assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
		return reply.json();
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	private static String path(String strategy, String rest) {
		return strategy.isEmpty() ? rest : "/" + strategy + rest;
	}

	private Reply get(String path) {
		return exchange(HttpMethod.GET, path, null);
	}

	private Reply postJson(String path, String body) {
		return exchange(HttpMethod.POST, path, body.getBytes(StandardCharsets.UTF_8));
	}

	private Reply exchange(HttpMethod method, String path, byte @Nullable [] body) {
		if (this.client == null) {
			this.client = PatientClient.to(this.port);
		}
		RestTestClient.RequestBodySpec request = this.client.method(method)
			.uri(URI.create("http://" + CLIENT_IP + ":" + this.port + path));
		RestTestClient.RequestHeadersSpec<?> ready = (body != null)
				? request.contentType(MediaType.APPLICATION_JSON).body(body) : request;
		EntityExchangeResult<byte[]> result = ready.exchange().returnResult(byte[].class);
		byte[] content = result.getResponseBody();
		return new Reply(result.getStatus().value(), result.getResponseHeaders(),
				(content != null) ? new String(content, StandardCharsets.UTF_8) : "");
	}

	private record Reply(int status, HttpHeaders headers, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
