package dev.timefan.fanout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
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
 * The HTTP contract of every fan-out strategy (shared/API.md), against a real Tomcat on a
 * random port, with the clock pinned so that every field of a time object is assertable.
 * A new strategy joins by adding its name to {@link #strategies()}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "timefan.batch.max-size=" + FanoutEndpointsIntegrationTests.MAX_BATCH)
@AutoConfigureRestTestClient
@Import(FixedClockConfiguration.class)
class FanoutEndpointsIntegrationTests {

	static final int MAX_BATCH = 50;

	private static final String DEFAULT_STRATEGY = "threads";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * For what the RestTestClient would re-encode or cannot send: raw paths, chunked
	 * bodies.
	 */
	private static final HttpClient RAW = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/** Requests go to the IPv4 loopback, so this is the client_ip of every answer. */
	private static final String CLIENT_IP = "127.0.0.1";

	private static final List<String> TIME_OBJECT_KEYS = List.of("utc_offset", "timezone", "day_of_week", "day_of_year",
			"datetime", "utc_datetime", "unixtime", "raw_offset", "week_number", "dst", "abbreviation", "dst_offset",
			"dst_from", "dst_until", "client_ip");

	private static final List<String> BATCH_KEYS = List.of("strategy", "source", "size", "succeeded", "failed",
			"elapsed_ms", "results");

	private static final Pattern SERVER_TIMING = Pattern.compile("fanout;dur=(\\d+\\.\\d+)");

	private static final String UTC = """
			{"utc_offset":"+00:00","timezone":"UTC","day_of_week":3,"day_of_year":274,
			 "datetime":"2025-10-01T10:39:20.975255+00:00","utc_datetime":"2025-10-01T10:39:20.975255+00:00",
			 "unixtime":1759315160,"raw_offset":0,"week_number":40,"dst":false,"abbreviation":"UTC",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String KOLKATA = """
			{"utc_offset":"+05:30","timezone":"Asia/Kolkata","day_of_week":3,"day_of_year":274,
			 "datetime":"2025-10-01T16:09:20.975255+05:30","utc_datetime":"2025-10-01T10:39:20.975255+00:00",
			 "unixtime":1759315160,"raw_offset":19800,"week_number":40,"dst":false,"abbreviation":"IST",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String DHAKA = """
			{"utc_offset":"+06:00","timezone":"Asia/Dhaka","day_of_week":3,"day_of_year":274,
			 "datetime":"2025-10-01T16:39:20.975255+06:00","utc_datetime":"2025-10-01T10:39:20.975255+00:00",
			 "unixtime":1759315160,"raw_offset":21600,"week_number":40,"dst":false,"abbreviation":"+06",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String BUENOS_AIRES = """
			{"utc_offset":"-03:00","timezone":"America/Argentina/Buenos_Aires","day_of_week":3,"day_of_year":274,
			 "datetime":"2025-10-01T07:39:20.975255-03:00","utc_datetime":"2025-10-01T10:39:20.975255+00:00",
			 "unixtime":1759315160,"raw_offset":-10800,"week_number":40,"dst":false,"abbreviation":"-03",
			 "dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""";

	private static final String GB = """
			{"utc_offset":"+01:00","timezone":"GB","day_of_week":3,"day_of_year":274,
			 "datetime":"2025-10-01T11:39:20.975255+01:00","utc_datetime":"2025-10-01T10:39:20.975255+00:00",
			 "unixtime":1759315160,"raw_offset":0,"week_number":40,"dst":true,"abbreviation":"BST",
			 "dst_offset":3600,"dst_from":"2025-03-30T01:00:00+00:00","dst_until":"2025-10-26T01:00:00+00:00",
			 "client_ip":"127.0.0.1"}""";

	/**
	 * Paths (after the strategy prefix) that must never reach a 500 or an HTML page: the
	 * status and problem type each gets, whatever the prefix. Tomcat refuses encoded
	 * slashes, backslashes, NUL, bad UTF-8 and a walk above the root itself (400); a
	 * decoded control character reaches the catalog as part of a name (404).
	 */
	private static final List<HostilePath> HOSTILE_PATHS = List.of(
			new HostilePath("/time/../../../etc/passwd", 400, "about:blank"),
			new HostilePath("/time/Asia/../../../../etc/passwd", 400, "about:blank"),
			new HostilePath("/time/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400, "about:blank"),
			new HostilePath("/time/Asia/../Asia/Kolkata", 404, "about:blank"),
			new HostilePath("/time/Asia/%2e%2e/Asia/Kolkata", 404, "about:blank"),
			new HostilePath("/time/Asia/..", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/%2e%2e", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/..%2F..%2Fetc%2Fpasswd", 400, "about:blank"),
			new HostilePath("/time/Asia%2FKolkata", 400, "about:blank"),
			new HostilePath("/time/Asia%2fKolkata", 400, "about:blank"),
			new HostilePath("/time/Asia%5CKolkata", 400, "about:blank"),
			new HostilePath("/time/Asia/Kolkata%00", 400, "about:blank"),
			new HostilePath("/time/%00", 400, "about:blank"), new HostilePath("/time/Asia/%C0%AF", 400, "about:blank"),
			new HostilePath("/time/Asia/Kol%0Akata", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/Asia/Kol%0D%0Akata", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/Asia/Kol%01kata", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/Asia/Kol%7Fkata", 404, "urn:timefan:problem:unknown-zone"),
			new HostilePath("/time/Asia/%25", 404, "urn:timefan:problem:unknown-zone"));

	private static final String NOT_JSON = "the body is not JSON: expected an array of zone names such as "
			+ "[\"Asia/Kolkata\",\"Europe/Paris\"]";

	private static final String NOT_AN_ARRAY = "the body must be a JSON array of zone names, such as "
			+ "[\"Asia/Kolkata\",\"Europe/Paris\"]";

	/** POST bodies that are not a JSON array of strings, and the detail each gets. */
	private static final List<MalformedBody> MALFORMED_BODIES = List.of(
			new MalformedBody("[1]", "item 0 of the body is number, not a string zone name"),
			new MalformedBody("[null]", "item 0 of the body is null, not a string zone name"),
			new MalformedBody("[[\"a\"]]", "item 0 of the body is array, not a string zone name"),
			new MalformedBody("[{\"zone\":\"UTC\"}]", "item 0 of the body is object, not a string zone name"),
			new MalformedBody("[\"UTC\",true]", "item 1 of the body is boolean, not a string zone name"),
			new MalformedBody("{\"a\":1}", NOT_AN_ARRAY), new MalformedBody("\"Asia/Kolkata\"", NOT_AN_ARRAY),
			new MalformedBody("42", NOT_AN_ARRAY), new MalformedBody("null", NOT_AN_ARRAY),
			new MalformedBody("not json", NOT_JSON), new MalformedBody("[\"UTC\"", NOT_JSON),
			new MalformedBody("[\"UTC\"] [\"GB\"]", NOT_JSON), new MalformedBody("", NOT_AN_ARRAY));

	@LocalServerPort
	private int port;

	@Autowired
	private RestTestClient client;

	/** The strategy prefixes under test; "" is the default route through threads. */
	static Stream<String> strategies() {
		return Stream.of("threads", "virtual", "processes", "reactive", "");
	}

	static Stream<Arguments> strategiesAndHostilePaths() {
		return strategies().flatMap((strategy) -> HOSTILE_PATHS.stream()
			.map((path) -> arguments(strategy, path.rawPath(), path.status(), path.type())));
	}

	static Stream<Arguments> strategiesAndUnsendablePaths() {
		return strategies().flatMap((strategy) -> Stream
			.of("/time/Asia/Kolkata%", "/time/Asia/%ZZ", "/time/Asia\\Kolkata", "/time/Asia/Kol\u0001kata",
					"/time/Asia/Kol\u007fkata", "/time/Asia/{Kolkata}", "/time/Asia/Kolkata|x", "/time/Asia/Köln")
			.map((path) -> arguments(strategy, path)));
	}

	static Stream<Arguments> strategiesAndMalformedBodies() {
		return strategies().flatMap(
				(strategy) -> MALFORMED_BODIES.stream().map((body) -> arguments(strategy, body.body(), body.detail())));
	}

	// Single lookups

	@EachStrategy
	void oneSegmentZoneAnswersItsTimeObject(String strategy) {
		Reply reply = get(path(strategy, "/time/UTC"));
		assertTimeObject(reply, UTC);
	}

	@EachStrategy
	void twoSegmentZoneAnswersItsTimeObject(String strategy) {
		Reply reply = get(path(strategy, "/time/Asia/Kolkata"));
		assertTimeObject(reply, KOLKATA);
	}

	@EachStrategy
	void threeSegmentZoneAnswersItsTimeObject(String strategy) {
		Reply reply = get(path(strategy, "/time/America/Argentina/Buenos_Aires"));
		assertTimeObject(reply, BUENOS_AIRES);
	}

	@EachStrategy
	void zoneAskedInAnyCaseIsAnsweredWithItsCanonicalName(String strategy) {
		assertTimeObject(get(path(strategy, "/time/asia/kolkata")), KOLKATA);
		assertTimeObject(get(path(strategy, "/time/ASIA/KOLKATA")), KOLKATA);
		assertTimeObject(get(path(strategy, "/time/america/argentina/buenos_aires")), BUENOS_AIRES);
		assertTimeObject(get(path(strategy, "/time/utc")), UTC);
	}

	@EachStrategy
	void aliasIsAnsweredAsAsked(String strategy) {
		assertTimeObject(get(path(strategy, "/time/GB")), GB);
	}

	@EachStrategy
	void explicitLocalSourceAnswersLikeTheDefault(String strategy) {
		assertTimeObject(get(path(strategy, "/time/Asia/Kolkata?source=local")), KOLKATA);
		assertTimeObject(get(path(strategy, "/time/Asia/Kolkata?source=LOCAL")), KOLKATA);
	}

	@ParameterizedTest(name = "strategy \"{0}\"")
	@ValueSource(strings = { "threads", "virtual", "processes", "" })
	void aBlockingStrategyWritesATimeObjectWithItsLengthNotChunked(String strategy) throws Exception {
		Reply reply = send(HttpRequest.newBuilder(uri(path(strategy, "/time/Asia/Kolkata"))).build());

		assertTimeObject(reply, KOLKATA);
		assertThat(reply.headers().get(HttpHeaders.TRANSFER_ENCODING)).isNull();
		assertThat(reply.headers().getContentLength()).isEqualTo(reply.body().getBytes(StandardCharsets.UTF_8).length);
	}

	// Batches

	@EachStrategy
	void commaListInTheLastSegmentAnswersABatchInTheOrderAsked(String strategy) {
		Reply reply = get(path(strategy, "/time/Asia/Kolkata,Dhaka,Nowhere"));
		JsonNode batch = assertBatch(reply, strategy, 3, 2, 1);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(tuple("Asia/Kolkata", 200, "local", "Asia/Kolkata", "+05:30", null),
					tuple("Asia/Dhaka", 200, "local", "Asia/Dhaka", "+06:00", null),
					tuple("Asia/Nowhere", 404, null, null, null, "unknown time zone 'Asia/Nowhere'"));
		assertThat(item(batch, 0).get("time")).isEqualTo(json(KOLKATA));
		assertThat(item(batch, 1).get("time")).isEqualTo(json(DHAKA));
		assertThat(strings(item(batch, 2).get("suggestions"))).as("nothing is close to Asia/Nowhere").isEmpty();
		assertThat(item(batch, 2).propertyNames()).containsExactly("zone", "status", "error", "suggestions");
		assertThat(item(batch, 0).propertyNames()).containsExactly("zone", "status", "source", "time");
	}

	@EachStrategy
	void commaListOfThreeSegmentZonesSharesTheFirstTwo(String strategy) {
		Reply reply = get(path(strategy, "/time/America/Argentina/Buenos_Aires,cordoba,Nowhere"));
		JsonNode batch = assertBatch(reply, strategy, 3, 2, 1);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(
					tuple("America/Argentina/Buenos_Aires", 200, "local", "America/Argentina/Buenos_Aires", "-03:00",
							null),
					tuple("America/Argentina/cordoba", 200, "local", "America/Argentina/Cordoba", "-03:00", null),
					tuple("America/Argentina/Nowhere", 404, null, null, null,
							"unknown time zone 'America/Argentina/Nowhere'"));
		assertThat(item(batch, 0).get("time")).isEqualTo(json(BUENOS_AIRES));
	}

	@EachStrategy
	void commaListOfOneSegmentZonesAnswersABatch(String strategy) {
		Reply reply = get(path(strategy, "/time/UTC,gb,UTC"));
		JsonNode batch = assertBatch(reply, strategy, 3, 3, 0);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(tuple("UTC", 200, "local", "UTC", "+00:00", null),
					tuple("gb", 200, "local", "GB", "+01:00", null), tuple("UTC", 200, "local", "UTC", "+00:00", null));
		assertThat(item(batch, 1).get("time")).isEqualTo(json(GB));
	}

	@EachStrategy
	void zonesParameterAnswersABatchInTheOrderAskedWithDuplicates(String strategy) {
		Reply reply = get(path(strategy, "/time?zones=asia/dhaka,Asia/Kolkata,Mars/Olympus,asia/dhaka"));
		JsonNode batch = assertBatch(reply, strategy, 4, 3, 1);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(tuple("asia/dhaka", 200, "local", "Asia/Dhaka", "+06:00", null),
					tuple("Asia/Kolkata", 200, "local", "Asia/Kolkata", "+05:30", null),
					tuple("Mars/Olympus", 404, null, null, null, "unknown time zone 'Mars/Olympus'"),
					tuple("asia/dhaka", 200, "local", "Asia/Dhaka", "+06:00", null));
		assertThat(item(batch, 3).get("time")).isEqualTo(json(DHAKA));
	}

	@EachStrategy
	void repeatedZonesParametersAnswerOneBatch(String strategy) {
		Reply reply = get(path(strategy, "/time?zones=UTC&zones=Asia/Kolkata,GB&zones=UTC&source=local"));
		JsonNode batch = assertBatch(reply, strategy, 4, 4, 0);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(tuple("UTC", 200, "local", "UTC", "+00:00", null),
					tuple("Asia/Kolkata", 200, "local", "Asia/Kolkata", "+05:30", null),
					tuple("GB", 200, "local", "GB", "+01:00", null), tuple("UTC", 200, "local", "UTC", "+00:00", null));
		assertThat(item(batch, 0).get("time")).isEqualTo(json(UTC));
	}

	@EachStrategy
	void postedJsonArrayAnswersABatchInTheOrderAskedWithDuplicates(String strategy) {
		Reply reply = postJson(path(strategy, "/time"),
				"[\"America/Argentina/Buenos_Aires\",\"asia/kolkata\",\"Asia/Kolkatta\",\"asia/kolkata\",\"GB\"]");
		JsonNode batch = assertBatch(reply, strategy, 5, 4, 1);
		assertThat(items(batch)).extracting(FanoutEndpointsIntegrationTests::summary)
			.containsExactly(
					tuple("America/Argentina/Buenos_Aires", 200, "local", "America/Argentina/Buenos_Aires", "-03:00",
							null),
					tuple("asia/kolkata", 200, "local", "Asia/Kolkata", "+05:30", null),
					tuple("Asia/Kolkatta", 404, null, null, null, "unknown time zone 'Asia/Kolkatta'"),
					tuple("asia/kolkata", 200, "local", "Asia/Kolkata", "+05:30", null),
					tuple("GB", 200, "local", "GB", "+01:00", null));
		assertThat(strings(item(batch, 2).get("suggestions"))).first().isEqualTo("Asia/Kolkata");
		assertThat(item(batch, 1).get("time")).isEqualTo(json(KOLKATA));
	}

	@EachStrategy
	void batchOfOnlyUnknownZonesFailsItsItemsNotTheBatch(String strategy) {
		Reply reply = postJson(path(strategy, "/time"), "[\"Mars/Olympus\",\"Asia/Kolkatta\"]");
		JsonNode batch = assertBatch(reply, strategy, 2, 0, 2);
		assertThat(items(batch)).extracting((item) -> item.get("status").asInt()).containsExactly(404, 404);
		assertThat(item(batch, 0).get("suggestions").isArray()).isTrue();
		assertThat(strings(item(batch, 0).get("suggestions"))).as("nothing is close to Mars/Olympus").isEmpty();
		assertThat(strings(item(batch, 1).get("suggestions"))).first().isEqualTo("Asia/Kolkata");
	}

	@EachStrategy
	void batchAtTheSizeLimitIsAnswered(String strategy) {
		Reply reply = get(path(strategy, "/time?zones=" + String.join(",", Collections.nCopies(MAX_BATCH, "UTC"))));
		JsonNode batch = assertBatch(reply, strategy, MAX_BATCH, MAX_BATCH, 0);
		assertThat(items(batch)).extracting((item) -> item.get("time").get("timezone").asString())
			.containsOnly("UTC")
			.hasSize(MAX_BATCH);
	}

	// Errors

	@EachStrategy
	void unknownZoneIsNotFoundWithSuggestions(String strategy) {
		String path = path(strategy, "/time/Asia/Kolkatta");
		JsonNode problem = assertProblem(get(path), 404);
		assertThat(problem.get("type").asString()).isEqualTo("urn:timefan:problem:unknown-zone");
		assertThat(problem.get("title").asString()).isEqualTo("Unknown time zone");
		assertThat(problem.get("detail").asString()).isEqualTo("unknown time zone 'Asia/Kolkatta'");
		assertThat(problem.get("instance").asString()).isEqualTo(path);
		assertThat(strings(problem.get("suggestions"))).first().isEqualTo("Asia/Kolkata");
	}

	@EachStrategy
	void unknownOneAndThreeSegmentZonesAreNotFound(String strategy) {
		assertThat(detail(get(path(strategy, "/time/Nowhere")), 404)).isEqualTo("unknown time zone 'Nowhere'");
		assertThat(detail(get(path(strategy, "/time/America/Argentina/Nowhere")), 404))
			.isEqualTo("unknown time zone 'America/Argentina/Nowhere'");
	}

	@EachStrategy
	void emptyBatchIsBadRequest(String strategy) {
		String byQuery = "empty batch: give zones as ?zones=Asia/Kolkata,Europe/Paris";
		assertThat(detail(get(path(strategy, "/time?zones=")), 400)).isEqualTo(byQuery);
		assertThat(detail(get(path(strategy, "/time?zones=,,")), 400)).isEqualTo(byQuery);
		assertThat(detail(get(path(strategy, "/time")), 400)).isEqualTo(byQuery);
		assertThat(detail(postJson(path(strategy, "/time"), "[]"), 400))
			.isEqualTo("empty batch: ask for at least one zone");
	}

	@EachStrategy
	void batchOverTheSizeLimitIsBadRequest(String strategy) {
		List<String> zones = Collections.nCopies(MAX_BATCH + 1, "UTC");
		String detail = "batch of 51 zones is over the limit of 50 (timefan.batch.max-size)";
		assertThat(detail(get(path(strategy, "/time?zones=" + String.join(",", zones))), 400)).isEqualTo(detail);
		assertThat(detail(get(path(strategy, "/time/" + String.join(",", zones))), 400)).isEqualTo(detail);
		assertThat(detail(postJson(path(strategy, "/time"), JSON.writeValueAsString(zones)), 400)).isEqualTo(detail);
	}

	@ParameterizedTest(name = "strategy \"{0}\" body {1}")
	@MethodSource("strategiesAndMalformedBodies")
	void bodyThatIsNotAJsonArrayOfStringsIsBadRequest(String strategy, String body, String detail) {
		JsonNode problem = assertProblem(postJson(path(strategy, "/time"), body), 400);
		assertThat(problem.get("type").asString()).isEqualTo("urn:timefan:problem:bad-request");
		assertThat(problem.get("title").asString()).isEqualTo("Malformed request");
		assertThat(problem.get("detail").asString()).isEqualTo(detail);
	}

	@EachStrategy
	void bodyOverTheSizeLimitIsBadRequest(String strategy) {
		byte[] tenMegabytes = new byte[10 * 1024 * 1024];
		Arrays.fill(tenMegabytes, (byte) ' ');
		tenMegabytes[0] = '[';
		tenMegabytes[tenMegabytes.length - 1] = ']';
		Reply reply = exchange(HttpMethod.POST, path(strategy, "/time"), MediaType.APPLICATION_JSON, tenMegabytes);
		assertThat(detail(reply, 400))
			.isEqualTo("the body is larger than the limit of 262144 bytes (timefan.batch.max-body-size)");
	}

	@EachStrategy
	void chunkedBodyOverTheSizeLimitIsBadRequest(String strategy) throws Exception {
		byte[] overLimit = new byte[256 * 1024 + 1];
		Arrays.fill(overLimit, (byte) ' ');
		overLimit[0] = '[';
		overLimit[overLimit.length - 1] = ']';
		HttpRequest request = HttpRequest.newBuilder(uri(path(strategy, "/time")))
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(overLimit)))
			.build();
		assertThat(detail(send(request), 400))
			.isEqualTo("the body is larger than the limit of 262144 bytes (timefan.batch.max-body-size)");
	}

	@EachStrategy
	void unknownSourceIsBadRequest(String strategy) {
		String detail = "unknown source 'mars': expected local or upstream";
		assertThat(detail(get(path(strategy, "/time/UTC?source=mars")), 400)).isEqualTo(detail);
		assertThat(detail(get(path(strategy, "/time/Asia/Kolkata,Dhaka?source=mars")), 400)).isEqualTo(detail);
		assertThat(detail(get(path(strategy, "/time?zones=UTC,GB&source=mars")), 400)).isEqualTo(detail);
		assertThat(detail(postJson(path(strategy, "/time?source=mars"), "[\"UTC\"]"), 400)).isEqualTo(detail);
		assertThat(detail(get(path(strategy, "/time/UTC?source=fallback")), 400))
			.isEqualTo("unknown source 'fallback': expected local or upstream");
	}

	/**
	 * The tests' upstream refuses connections (test config/application.properties): every
	 * item still comes back, answered locally and saying why.
	 */
	@EachStrategy
	void upstreamThatRefusesFallsBackToTheLocalDatabaseWithTheReason(String strategy) {
		Reply reply = postJson(path(strategy, "/time?source=upstream"), "[\"UTC\",\"Asia/Kolkata\"]");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		JsonNode batch = reply.json();
		assertThat(batch.get("source").stringValue()).isEqualTo("upstream");
		assertThat(batch.get("succeeded").intValue()).isEqualTo(2);
		for (JsonNode item : batch.get("results")) {
			assertThat(item.get("status").intValue()).isEqualTo(200);
			assertThat(item.get("source").stringValue()).isEqualTo("fallback");
			assertThat(item.get("time").get("timezone").stringValue()).isEqualTo(item.get("zone").stringValue());
			assertThat(item.get("error").stringValue())
				.isEqualTo("upstream refused the connection (3 attempts); answered from the local tz database");
		}
		Reply single = get(path(strategy, "/time/Asia/Kolkata?source=upstream"));
		assertThat(single.status()).as(single.body()).isEqualTo(200);
		assertThat(single.json().get("timezone").stringValue()).isEqualTo("Asia/Kolkata");
		assertThat(single.json().propertyNames()).containsExactlyElementsOf(TIME_OBJECT_KEYS);
		assertThat(single.headers().get("Timefan-Source")).containsExactly("fallback");
		assertThat(reply.headers().get("Timefan-Source")).containsExactly("upstream");
	}

	@EachStrategy
	void postThatIsNotJsonIsUnsupportedMediaType(String strategy) {
		Reply reply = exchange(HttpMethod.POST, path(strategy, "/time"), MediaType.TEXT_PLAIN,
				"[\"UTC\"]".getBytes(StandardCharsets.UTF_8));
		assertProblem(reply, 415);
		assertThat(reply.headers().getAccept()).contains(MediaType.APPLICATION_JSON);
	}

	@EachStrategy
	void deleteIsMethodNotAllowed(String strategy) {
		Reply single = exchange(HttpMethod.DELETE, path(strategy, "/time/UTC"), null, null);
		assertProblem(single, 405);
		assertThat(single.headers().getAllow()).contains(HttpMethod.GET).doesNotContain(HttpMethod.DELETE);
		Reply batch = exchange(HttpMethod.DELETE, path(strategy, "/time"), null, null);
		assertProblem(batch, 405);
		assertThat(batch.headers().getAllow()).contains(HttpMethod.GET, HttpMethod.POST)
			.doesNotContain(HttpMethod.DELETE);
	}

	@EachStrategy
	void unknownPathIsNotFound(String strategy) {
		for (String path : List.of(path(strategy, "/nowhere"), path(strategy, "/time/Asia/Kolkata/North/East"),
				path(strategy, "/times/UTC"))) {
			JsonNode problem = assertProblem(get(path), 404);
			assertThat(problem.get("instance").asString()).isEqualTo(path);
		}
	}

	/**
	 * Anyone may ask for health: it shows each component's status, never the workers'
	 * pids, the upstream's address or a path.
	 */
	@Test
	void publicHealthShowsComponentStatusesOnly() {
		Reply reply = get("/actuator/health");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		JsonNode components = reply.json().get("components");
		assertThat(components.propertyNames()).contains("workerPool", "upstream", "livenessState", "readinessState");
		assertThat(components.properties())
			.allSatisfy((component) -> assertThat(component.getValue().propertyNames()).as(component.getKey())
				.containsExactly("status"));
		assertThat(reply.body()).doesNotContain("pid", "http", "/");
	}

	@Test
	void unknownStrategyIsNotFound() {
		JsonNode problem = assertProblem(get("/nope/time/UTC"), 404);
		assertThat(problem.get("instance").asString()).isEqualTo("/nope/time/UTC");
		assertProblem(postJson("/nope/time", "[\"UTC\"]"), 404);
	}

	@EachStrategy
	void overlongZoneNameIsAProblemThatDoesNotEchoIt(String strategy) {
		String name = "Asia/" + "x".repeat(5_000);
		JsonNode single = assertClientProblem(get(path(strategy, "/time/" + name)));
		assertThat(single.get("detail").asString()).hasSizeLessThan(100).doesNotContain("x".repeat(65));
		JsonNode oneSegment = assertClientProblem(get(path(strategy, "/time/" + "x".repeat(5_000))));
		assertThat(oneSegment.get("detail").asString()).hasSizeLessThan(100).doesNotContain("x".repeat(65));
		JsonNode batch = assertBatch(postJson(path(strategy, "/time"), JSON.writeValueAsString(List.of(name, "UTC"))),
				strategy, 2, 1, 1);
		assertThat(item(batch, 0).get("error").asString()).hasSizeLessThan(100).doesNotContain("x".repeat(65));
	}

	@ParameterizedTest(name = "strategy \"{0}\" path {1}")
	@MethodSource("strategiesAndHostilePaths")
	void hostilePathIsAClientProblemNeverAServerError(String strategy, String rawPath, int status, String type)
			throws Exception {
		String path = path(strategy, rawPath);
		Reply reply = send(HttpRequest.newBuilder(uri(path)).GET().build());
		JsonNode problem = assertProblem(reply, status);
		assertThat(problem.get("type").asString()).isEqualTo(type);
		assertThat(problem.get("instance").asString()).isEqualTo(path);
	}

	@ParameterizedTest(name = "strategy \"{0}\" path {1}")
	@MethodSource("strategiesAndUnsendablePaths")
	void pathNoUriCanHoldIsRefusedByTomcatAsAProblem(String strategy, String rawPath) throws Exception {
		Reply reply = sendRequestLine("GET " + path(strategy, rawPath) + " HTTP/1.0");
		JsonNode problem = assertProblemBody(reply);
		assertThat(reply.status()).isEqualTo(400);
		assertThat(problem.get("type").asString()).isEqualTo("about:blank");
		assertThat(problem.get("detail").asString())
			.isEqualTo("malformed request: the path or its escapes are not accepted");
	}

	// Compare

	@Test
	void compareByQueryRunsTheBatchThroughEveryStrategy() {
		Reply reply = get("/compare/time?zones=Asia/Kolkata,asia/dhaka,Mars/Olympus,Asia/Kolkata");
		assertCompare(reply, 4, 3, 1);
	}

	@Test
	void compareByBodyRunsTheBatchThroughEveryStrategy() {
		Reply reply = postJson("/compare/time?source=local", "[\"UTC\",\"GB\",\"America/Argentina/Buenos_Aires\"]");
		assertCompare(reply, 3, 3, 0);
	}

	@Test
	void compareRejectsWhatTheFanoutEndpointsReject() {
		assertThat(detail(get("/compare/time?zones="), 400))
			.isEqualTo("empty batch: give zones as ?zones=Asia/Kolkata,Europe/Paris");
		assertProblem(postJson("/compare/time", "[]"), 400);
		assertProblem(postJson("/compare/time", "{\"a\":1}"), 400);
		assertProblem(get("/compare/time?zones=UTC&source=mars"), 400);
		assertProblem(get("/compare/time?zones=" + String.join(",", Collections.nCopies(MAX_BATCH + 1, "UTC"))), 400);
		assertProblem(exchange(HttpMethod.POST, "/compare/time", MediaType.TEXT_PLAIN,
				"[\"UTC\"]".getBytes(StandardCharsets.UTF_8)), 415);
	}

	// Metrics

	@EachStrategy
	void batchMetricIsTaggedWithTheStrategyThatRan(String strategy) {
		String tags = "?tag=strategy:" + strategyName(strategy) + "&tag=source:local&tag=outcome:partial";
		double before = metricCount("timefan.batch" + tags);
		assertBatch(get(path(strategy, "/time/Asia/Kolkata,Nowhere")), strategy, 2, 1, 1);
		assertThat(metricCount("timefan.batch" + tags)).isEqualTo(before + 1);
		Reply reply = get("/actuator/metrics/timefan.batch");
		assertThat(reply.status()).isEqualTo(200);
		JsonNode strategyTag = reply.json()
			.get("availableTags")
			.valueStream()
			.filter((tag) -> tag.get("tag").asString().equals("strategy"))
			.findFirst()
			.orElseThrow();
		assertThat(strings(strategyTag.get("values"))).contains(strategyName(strategy));
	}

	// Helpers

	private void assertCompare(Reply reply, int size, int succeeded, int failed) {
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.mediaType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
		JsonNode compare = reply.json();
		List<String> strategies = strategies().filter((strategy) -> !strategy.isEmpty()).toList();
		assertThat(compare.get("size").asInt()).isEqualTo(size);
		assertThat(compare.get("source").asString()).isEqualTo("local");
		assertThat(compare.get("agree").asBoolean()).isTrue();
		assertThat(compare.get("fastest").asString()).isIn(strategies);
		assertThat(compare.get("runs").values())
			.extracting((run) -> run.get("strategy").asString(), (run) -> run.get("succeeded").asInt(),
					(run) -> run.get("failed").asInt())
			.containsExactlyElementsOf(
					strategies.stream().map((strategy) -> tuple(strategy, succeeded, failed)).toList());
		assertThat(compare.get("runs").values())
			.allSatisfy((run) -> assertThat(run.get("elapsed_ms").asDouble()).isGreaterThanOrEqualTo(0));
		// The failed items of these batches are unknown zones: 404 each.
		String statuses = (failed > 0) ? "{\"200\":" + succeeded + ",\"404\":" + failed + "}"
				: "{\"200\":" + succeeded + "}";
		assertThat(compare.get("runs").values())
			.allSatisfy((run) -> assertThat(run.get("statuses").toString()).isEqualTo(statuses));
	}

	private double metricCount(String metric) {
		Reply reply = get("/actuator/metrics/" + metric);
		if (reply.status() == 404) {
			return 0;
		}
		assertThat(reply.status()).isEqualTo(200);
		return reply.json()
			.get("measurements")
			.valueStream()
			.filter((measurement) -> measurement.get("statistic").asString().equals("COUNT"))
			.mapToDouble((measurement) -> measurement.get("value").asDouble())
			.findFirst()
			.orElseThrow();
	}

	private static void assertTimeObject(Reply reply, String expected) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.mediaType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
		JsonNode time = reply.json();
		assertThat(time.propertyNames()).containsExactlyElementsOf(TIME_OBJECT_KEYS);
		assertThat(time).isEqualTo(json(expected));
		assertThat(serverTiming(reply)).isGreaterThanOrEqualTo(0);
		assertThat(reply.headers().get("Timefan-Source")).containsExactly("local");
	}

	private static JsonNode assertBatch(Reply reply, String strategy, int size, int succeeded, int failed) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.mediaType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
		JsonNode batch = reply.json();
		assertThat(batch.propertyNames()).containsExactlyElementsOf(BATCH_KEYS);
		assertThat(batch.get("strategy").asString()).isEqualTo(strategyName(strategy));
		assertThat(batch.get("source").asString()).isEqualTo("local");
		assertThat(batch.get("size").asInt()).isEqualTo(size);
		assertThat(batch.get("succeeded").asInt()).isEqualTo(succeeded);
		assertThat(batch.get("failed").asInt()).isEqualTo(failed);
		assertThat(batch.get("results").size()).isEqualTo(size);
		assertThat(serverTiming(reply)).isEqualTo(batch.get("elapsed_ms").asDouble());
		assertThat(reply.headers().get("Timefan-Source")).containsExactly("local");
		items(batch).stream()
			.filter((item) -> item.has("time"))
			.forEach(
					(item) -> assertThat(item.get("time").propertyNames()).containsExactlyElementsOf(TIME_OBJECT_KEYS));
		return batch;
	}

	private static JsonNode assertProblem(Reply reply, int status) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		JsonNode problem = assertProblemBody(reply);
		assertThat(problem.has("instance")).as("has instance: %s", problem).isTrue();
		return problem;
	}

	private static String detail(Reply reply, int status) {
		return assertProblem(reply, status).get("detail").asString();
	}

	private static JsonNode assertClientProblem(Reply reply) {
		assertThat(reply.status()).as(reply.body()).isBetween(400, 499);
		JsonNode problem = assertProblemBody(reply);
		assertThat(problem.has("instance")).as("has instance: %s", problem).isTrue();
		return problem;
	}

	private static JsonNode assertProblemBody(Reply reply) {
		assertThat(reply.mediaType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(reply.body()).doesNotContain("Exception", "at dev.timefan", "<html", "<!doctype");
		JsonNode problem = reply.json();
		assertThat(problem.propertyNames()).contains("type", "title", "status", "detail");
		assertThat(problem.get("status").asInt()).isEqualTo(reply.status());
		assertThat(problem.get("title").asString()).isNotBlank();
		assertThat(problem.get("detail").asString()).isNotBlank();
		return problem;
	}

	private static double serverTiming(Reply reply) {
		String value = reply.headers().getFirst("Server-Timing");
		assertThat(value).isNotNull().matches(SERVER_TIMING);
		Matcher matcher = SERVER_TIMING.matcher(value);
		assertThat(matcher.matches()).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

	/**
	 * An item as (zone, status, source, time.timezone, time.utc_offset, error).
	 */
	private static Tuple summary(JsonNode item) {
		JsonNode time = item.get("time");
		return tuple(item.get("zone").asString(), item.get("status").asInt(), text(item, "source"),
				(time != null) ? time.get("timezone").asString() : null,
				(time != null) ? time.get("utc_offset").asString() : null, text(item, "error"));
	}

	private static @Nullable String text(JsonNode node, String property) {
		JsonNode value = node.get(property);
		return (value != null) ? value.asString() : null;
	}

	private static List<JsonNode> items(JsonNode batch) {
		return new ArrayList<>(batch.get("results").values());
	}

	private static JsonNode item(JsonNode batch, int index) {
		return batch.get("results").get(index);
	}

	private static List<String> strings(JsonNode array) {
		assertThat(array.isArray()).as("%s is an array", array).isTrue();
		return array.valueStream().map(JsonNode::asString).toList();
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	private static String strategyName(String strategy) {
		return strategy.isEmpty() ? DEFAULT_STRATEGY : strategy;
	}

	private static String path(String strategy, String rest) {
		return strategy.isEmpty() ? rest : "/" + strategy + rest;
	}

	private URI uri(String path) {
		return URI.create("http://" + CLIENT_IP + ":" + this.port + path);
	}

	private Reply get(String path) {
		return exchange(HttpMethod.GET, path, null, null);
	}

	private Reply postJson(String path, String body) {
		return exchange(HttpMethod.POST, path, MediaType.APPLICATION_JSON, body.getBytes(StandardCharsets.UTF_8));
	}

	private Reply exchange(HttpMethod method, String path, @Nullable MediaType contentType, byte @Nullable [] body) {
		RestTestClient.RequestBodySpec request = this.client.method(method).uri(uri(path));
		if (contentType != null) {
			request = request.contentType(contentType);
		}
		RestTestClient.RequestHeadersSpec<?> ready = (body != null) ? request.body(body) : request;
		EntityExchangeResult<byte[]> result = ready.exchange().returnResult(byte[].class);
		byte[] content = result.getResponseBody();
		return new Reply(result.getStatus().value(), result.getResponseHeaders(),
				(content != null) ? new String(content, StandardCharsets.UTF_8) : "");
	}

	private static Reply send(HttpRequest request) throws Exception {
		HttpResponse<String> response = RAW.send(request, HttpResponse.BodyHandlers.ofString());
		HttpHeaders headers = new HttpHeaders();
		response.headers().map().forEach(headers::addAll);
		return new Reply(response.statusCode(), headers, response.body());
	}

	/**
	 * Sends a request line as it is, over a socket: for paths that no {@link URI} can
	 * hold, so no HTTP client can send.
	 */
	private Reply sendRequestLine(String requestLine) throws IOException {
		try (Socket socket = new Socket(CLIENT_IP, this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write((requestLine + "\r\nHost: " + CLIENT_IP + ":" + this.port + "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			int headEnd = response.indexOf("\r\n\r\n");
			String[] head = ((headEnd >= 0) ? response.substring(0, headEnd) : response).split("\r\n");
			HttpHeaders headers = new HttpHeaders();
			for (int i = 1; i < head.length; i++) {
				int colon = head[i].indexOf(':');
				headers.add(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
			}
			return new Reply(Integer.parseInt(head[0].split(" ")[1]), headers,
					(headEnd >= 0) ? response.substring(headEnd + 4) : "");
		}
	}

	/**
	 * Each strategy prefix of {@link #strategies()}.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@ParameterizedTest(name = "strategy \"{0}\"")
	@MethodSource("strategies")
	@interface EachStrategy {

	}

	private record MalformedBody(String body, String detail) {

	}

	private record HostilePath(String rawPath, int status, String type) {

	}

	private record Reply(int status, HttpHeaders headers, String body) {

		String mediaType() {
			MediaType type = this.headers.getContentType();
			return (type != null) ? type.getType() + "/" + type.getSubtype() : "";
		}

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
