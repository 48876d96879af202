package dev.timefan.worldtimeapi;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worldtimeapi.org API on a random port, checked against the facts read off real
 * worldtimeapi.org responses (shared/reference/worldtimeapi.md). Time is pinned by a
 * settable fixed clock, so every field is assertable, DST included.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class WorldTimeApiIntegrationTests {

	/** The instant of the captured Europe/London summer example. */
	private static final Instant LONDON_SUMMER = Instant.parse("2025-07-31T16:09:21.105749Z");

	/** The instant of the captured Europe/London plain-text example (winter). */
	private static final Instant LONDON_WINTER = Instant.parse("2020-01-14T09:20:50.034710Z");

	private static final List<String> WIRE_ORDER = List.of("utc_offset", "timezone", "day_of_week", "day_of_year",
			"datetime", "utc_datetime", "unixtime", "raw_offset", "week_number", "dst", "abbreviation", "dst_offset",
			"dst_from", "dst_until", "client_ip");

	private static final String UNKNOWN_LOCATION = "{\"error\":\"unknown location\"}";

	@LocalServerPort
	private int port;

	private RestTestClient client;

	@Autowired
	private JsonMapper mapper;

	@Autowired
	private SettableClock clock;

	@BeforeEach
	void pinSummerAndBindClient() {
		this.clock.set(LONDON_SUMMER);
		this.client = client(this.port);
	}

	@Test
	void listsEveryZoneSortedIncludingAliasesAndOneSegmentNames() {
		List<String> names = names(get("/api/timezone"));
		assertThat(names).hasSizeGreaterThan(400)
			.isSorted()
			.doesNotHaveDuplicates()
			.contains("UTC", "GB", "CET", "EST", "Zulu", "Etc/GMT+5", "Europe/London",
					"America/Argentina/Buenos_Aires");
	}

	@Test
	void listsEveryZoneAsTextOneNameALine() {
		List<String> json = names(get("/api/timezone"));
		EntityExchangeResult<String> text = get("/api/timezone.txt");
		assertThat(text.getStatus()).isEqualTo(HttpStatus.OK);
		assertPlainText(text);
		assertThat(text.getResponseBody()).endsWith("\n");
		assertThat(text.getResponseBody().lines().toList()).isEqualTo(json)
			.contains("UTC", "GB", "CET", "EST", "Zulu", "Etc/GMT+5", "Europe/London");
	}

	@Test
	void listsOnlyTheZonesOfAnArea() {
		List<String> names = names(get("/api/timezone/Europe"));
		assertThat(names).isNotEmpty()
			.isSorted()
			.allSatisfy((name) -> assertThat(name).startsWith("Europe/"))
			.contains("Europe/London", "Europe/Paris", "Europe/Kyiv");
		assertThat(names(get("/api/timezone"))).filteredOn((name) -> name.startsWith("Europe/"))
			.containsExactlyElementsOf(names);
	}

	@Test
	void matchesAnAreaCaseInsensitively() {
		assertThat(names(get("/api/timezone/europe"))).isEqualTo(names(get("/api/timezone/Europe")))
			.contains("Europe/London");
	}

	@Test
	void listsTheZonesOfAnAreaAsText() {
		EntityExchangeResult<String> text = get("/api/timezone/Europe.txt");
		assertThat(text.getStatus()).isEqualTo(HttpStatus.OK);
		assertPlainText(text);
		assertThat(text.getResponseBody().lines().toList()).isEqualTo(names(get("/api/timezone/Europe")));
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			UTC, UTC, +00:00, UTC
			utc, UTC, +00:00, UTC
			GB,  GB,  +01:00, BST
			gb,  GB,  +01:00, BST
			CET, CET, +02:00, CEST
			""")
	void answersTheTimeObjectOfAnAreaThatIsItselfAZone(String asked, String timezone, String utcOffset,
			String abbreviation) {
		JsonNode time = timeObject("/api/timezone/" + asked);
		assertThat(time.get("timezone").stringValue()).isEqualTo(timezone);
		assertThat(time.get("utc_offset").stringValue()).isEqualTo(utcOffset);
		assertThat(time.get("abbreviation").stringValue()).isEqualTo(abbreviation);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			america/new_york,                America/New_York,               -04:00, EDT
			AMERICA/NEW_YORK,                America/New_York,               -04:00, EDT
			Asia/Kolkata,                    Asia/Kolkata,                   +05:30, IST
			Etc/GMT+5,                       Etc/GMT+5,                      -05:00, -05
			Etc/GMT-14,                      Etc/GMT-14,                     +14:00, +14
			Asia/Kathmandu,                  Asia/Kathmandu,                 +05:45, +0545
			America/Argentina/Buenos_Aires,  America/Argentina/Buenos_Aires, -03:00, -03
			america/argentina/buenos_aires,  America/Argentina/Buenos_Aires, -03:00, -03
			""")
	void answersTheCanonicalNameOfAZoneAskedInAnyCase(String asked, String timezone, String utcOffset,
			String abbreviation) {
		JsonNode time = timeObject("/api/timezone/" + asked);
		assertThat(time.get("timezone").stringValue()).isEqualTo(timezone);
		assertThat(time.get("utc_offset").stringValue()).isEqualTo(utcOffset);
		assertThat(time.get("abbreviation").stringValue()).isEqualTo(abbreviation);
	}

	@ParameterizedTest
	@ValueSource(strings = { "UTC", "GB", "Europe/London", "Asia/Kolkata", "America/Argentina/Buenos_Aires" })
	void writesTheFifteenKeysInWireOrderWithNullsExplicit(String zone) {
		EntityExchangeResult<String> result = get("/api/timezone/" + zone);
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		JsonNode time = this.mapper.readTree(result.getResponseBody());
		assertThat(time.propertyNames()).containsExactlyElementsOf(WIRE_ORDER);
		if (!time.get("dst").booleanValue()) {
			assertThat(result.getResponseBody()).contains("\"dst_from\":null,\"dst_until\":null,");
		}
	}

	@Test
	void answersTheCallersAddressAsClientIp() {
		assertThat(timeObject("/api/timezone/Asia/Kolkata").get("client_ip").stringValue()).isEqualTo("127.0.0.1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/timezone/Nowhere", "/api/timezone/Europe/Nowhere", "/api/timezone/a/b/c",
			"/api/timezone/Mars/Olympus/Mons", "/api/timezone/a/b/c/d", "/api/timezone/Europe/London/extra/segments" })
	void unknownLocationIsNotFoundWithWorldtimeapisErrorBody(String path) {
		EntityExchangeResult<String> result = get(path);
		assertThat(result.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(result.getResponseHeaders().getContentType()).isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_JSON)).as(type.toString())
				.isTrue());
		assertThat(result.getResponseBody()).isEqualTo(UNKNOWN_LOCATION);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/timezone/Nowhere.txt", "/api/timezone/Europe/Nowhere.txt", "/api/timezone/a/b/c.txt",
			"/api/timezone/a/b/c/d.txt" })
	void unknownLocationAsTextIsNotFoundInPlainText(String path) {
		EntityExchangeResult<String> result = get(path);
		assertThat(result.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertPlainText(result);
		assertThat(result.getResponseBody()).contains("unknown location").doesNotContain("{");
	}

	@Test
	void writesATimeObjectAsAlphabeticalKeyValueLines() {
		EntityExchangeResult<String> result = get("/api/timezone/Europe/London.txt");
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		assertPlainText(result);
		assertThat(result.getResponseBody()).isEqualTo("""
				abbreviation: BST
				client_ip: 127.0.0.1
				datetime: 2025-07-31T17:09:21.105749+01:00
				day_of_week: 4
				day_of_year: 212
				dst: true
				dst_from: 2025-03-30T01:00:00+00:00
				dst_offset: 3600
				dst_until: 2025-10-26T01:00:00+00:00
				raw_offset: 0
				timezone: Europe/London
				unixtime: 1753978161
				utc_datetime: 2025-07-31T16:09:21.105749+00:00
				utc_offset: +01:00
				week_number: 31
				""");
	}

	@Test
	void writesNullAsAnEmptyValueInTextLikeTheCapturedWinterExample() {
		this.clock.set(LONDON_WINTER);
		EntityExchangeResult<String> result = get("/api/timezone/Europe/London.txt");
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		assertPlainText(result);
		assertThat(result.getResponseBody()).isEqualTo("""
				abbreviation: GMT
				client_ip: 127.0.0.1
				datetime: 2020-01-14T09:20:50.034710+00:00
				day_of_week: 2
				day_of_year: 14
				dst: false
				dst_from:\s
				dst_offset: 0
				dst_until:\s
				raw_offset: 0
				timezone: Europe/London
				unixtime: 1578993650
				utc_datetime: 2020-01-14T09:20:50.034710+00:00
				utc_offset: +00:00
				week_number: 3
				""");
	}

	@Test
	void writesTheCapturedLondonSummerExampleByteForByte() {
		EntityExchangeResult<String> result = get("/api/timezone/Europe/London");
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(result.getResponseBody()).isEqualTo("{\"utc_offset\":\"+01:00\",\"timezone\":\"Europe/London\","
				+ "\"day_of_week\":4,\"day_of_year\":212,\"datetime\":\"2025-07-31T17:09:21.105749+01:00\","
				+ "\"utc_datetime\":\"2025-07-31T16:09:21.105749+00:00\",\"unixtime\":1753978161,\"raw_offset\":0,"
				+ "\"week_number\":31,\"dst\":true,\"abbreviation\":\"BST\",\"dst_offset\":3600,"
				+ "\"dst_from\":\"2025-03-30T01:00:00+00:00\",\"dst_until\":\"2025-10-26T01:00:00+00:00\","
				+ "\"client_ip\":\"127.0.0.1\"}");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					2025-10-01T10:39:20.975255Z | Asia/Kolkata     | {"utc_offset":"+05:30","timezone":"Asia/Kolkata","day_of_week":3,"day_of_year":274,"datetime":"2025-10-01T16:09:20.975255+05:30","utc_datetime":"2025-10-01T10:39:20.975255+00:00","unixtime":1759315160,"raw_offset":19800,"week_number":40,"dst":false,"abbreviation":"IST","dst_offset":0,"dst_from":null,"dst_until":null}
					2025-07-31T16:09:21.105749Z | Europe/London    | {"utc_offset":"+01:00","timezone":"Europe/London","day_of_week":4,"day_of_year":212,"datetime":"2025-07-31T17:09:21.105749+01:00","utc_datetime":"2025-07-31T16:09:21.105749+00:00","unixtime":1753978161,"raw_offset":0,"week_number":31,"dst":true,"abbreviation":"BST","dst_offset":3600,"dst_from":"2025-03-30T01:00:00+00:00","dst_until":"2025-10-26T01:00:00+00:00"}
					2021-07-30T00:08:36.070487Z | America/New_York | {"abbreviation":"EDT","datetime":"2021-07-29T20:08:36.070487-04:00","day_of_week":4,"day_of_year":210,"dst":true,"dst_from":"2021-03-14T07:00:00+00:00","dst_offset":3600,"dst_until":"2021-11-07T06:00:00+00:00","raw_offset":-18000,"timezone":"America/New_York","unixtime":1627603716,"utc_datetime":"2021-07-30T00:08:36.070487+00:00","utc_offset":"-04:00","week_number":30}
					2023-02-22T22:25:13.477048Z | America/New_York | {"abbreviation":"EST","datetime":"2023-02-22T17:25:13.477048-05:00","day_of_week":3,"day_of_year":53,"dst":false,"dst_from":null,"dst_offset":0,"dst_until":null,"raw_offset":-18000,"timezone":"America/New_York","unixtime":1677104713,"utc_datetime":"2023-02-22T22:25:13.477048+00:00","utc_offset":"-05:00","week_number":8}
					""")
	void answersTheCapturedExamplesFieldForField(Instant instant, String zone, String captured) {
		this.clock.set(instant);
		ObjectNode expected = (ObjectNode) this.mapper.readTree(captured);
		expected.put("client_ip", "127.0.0.1");
		assertThat(timeObject("/api/timezone/" + zone)).isEqualTo(expected);
	}

	private EntityExchangeResult<String> get(String path) {
		return this.client.get().uri(path).exchange().returnResult(String.class);
	}

	private JsonNode timeObject(String path) {
		EntityExchangeResult<String> result = get(path);
		assertThat(result.getStatus()).as(path).isEqualTo(HttpStatus.OK);
		assertThat(result.getResponseHeaders().getContentType()).as(path)
			.isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
		JsonNode time = this.mapper.readTree(result.getResponseBody());
		assertThat(time.propertyNames()).as(path).containsExactlyElementsOf(WIRE_ORDER);
		return time;
	}

	private List<String> names(EntityExchangeResult<String> result) {
		assertThat(result.getStatus()).isEqualTo(HttpStatus.OK);
		JsonNode array = this.mapper.readTree(result.getResponseBody());
		assertThat(array.isArray()).as(result.getResponseBody()).isTrue();
		return array.valueStream().map(JsonNode::stringValue).toList();
	}

	private static void assertPlainText(EntityExchangeResult<String> result) {
		MediaType type = result.getResponseHeaders().getContentType();
		assertThat(type).isNotNull();
		assertThat(type.isCompatibleWith(MediaType.TEXT_PLAIN)).as(type.toString()).isTrue();
		assertThat(type.getCharset()).isEqualTo(StandardCharsets.UTF_8);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FixedClockConfiguration {

		@Bean
		@Primary
		SettableClock fixedClock() {
			return new SettableClock(LONDON_SUMMER);
		}

	}

	/**
	 * A fixed clock whose instant a test may set before it asks: the application sees a
	 * {@link Clock} that never moves.
	 */
	static final class SettableClock extends Clock {

		private final AtomicReference<Instant> instant;

		SettableClock(Instant instant) {
			this.instant = new AtomicReference<>(instant);
		}

		void set(Instant instant) {
			this.instant.set(instant);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return Clock.fixed(instant(), zone);
		}

		@Override
		public Instant instant() {
			return this.instant.get();
		}

	}

	/**
	 * A client of the server under test with a read timeout fit for a loaded machine:
	 * Boot's auto-configured RestTestClient reads through Reactor Netty's 10 s default,
	 * and the first {@code /v3/api-docs} alone took 16 s with the build machine's load at
	 * 14.
	 */
	private static RestTestClient client(int port) {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build());
		factory.setReadTimeout(Duration.ofSeconds(60));
		return RestTestClient.bindToServer(factory).baseUrl("http://localhost:" + port).build();
	}

}
