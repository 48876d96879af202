package dev.timefan.worldtimeapi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.timefan.geoip.GeoIpFixtures;
import io.github.bucket4j.TimeMeter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/ip...} against a real Tomcat on a random port, over real HTTP, with the
 * test GeoIP databases (src/test/geoip) read by MaxMind's reader: IPv4 and IPv6 placed,
 * private, loopback and unplaceable addresses in the default zone, malformed addresses
 * refused with 400 (a problem, or plain text for {@code .txt}), and the caller's address
 * taken from {@code X-Forwarded-For} only when {@code server.forward-headers-strategy}
 * says so, the same address the rate limits count by. Time is pinned.
 */
class IpIntegrationTests {

	static final String ONE_WORKER = "timefan.processes.workers=1";

	/** The instant of the captured Europe/London summer example. */
	static final Instant LONDON_SUMMER = Instant.parse("2025-07-31T16:09:21.105749Z");

	static final String DEFAULT_ZONE = "Europe/Paris";

	private static final List<String> WIRE_ORDER = List.of("utc_offset", "timezone", "day_of_week", "day_of_year",
			"datetime", "utc_datetime", "unixtime", "raw_offset", "week_number", "dst", "abbreviation", "dst_offset",
			"dst_from", "dst_until", "client_ip");

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The helpers of every context's tests. */
	abstract static class Running {

		@LocalServerPort
		int port;

		HttpResponse<String> get(String path) {
			return get(path, null);
		}

		HttpResponse<String> get(String path, @Nullable String forwardedFor) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.timeout(Duration.ofSeconds(60))
				.GET();
			if (forwardedFor != null) {
				request.header("X-Forwarded-For", forwardedFor);
			}
			try {
				return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new IllegalStateException("GET " + path + " failed", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("GET " + path + " interrupted", ex);
			}
		}

		JsonNode timeObject(String path, @Nullable String forwardedFor) {
			HttpResponse<String> response = get(path, forwardedFor);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(contentType(response)).as(path).startsWith("application/json");
			JsonNode time = JSON.readTree(response.body());
			assertThat(time.propertyNames()).as(path).containsExactlyElementsOf(WIRE_ORDER);
			return time;
		}

		JsonNode timeObject(String path) {
			return timeObject(path, null);
		}

		static String contentType(HttpResponse<String> response) {
			return response.headers().firstValue("Content-Type").orElse("");
		}

	}

	/** The test databases' paths, absolute wherever the build runs. */
	static void databases(DynamicPropertyRegistry registry, String... files) {
		registry.add("timefan.ip.databases", () -> String.join(",",
				List.of(files).stream().map((file) -> GeoIpFixtures.path(file).toString()).toList()));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PinnedClock {

		@Bean
		@Primary
		Clock pinnedClock() {
			return Clock.fixed(LONDON_SUMMER, ZoneOffset.UTC);
		}

	}

	/**
	 * The GeoIP2 City layout, the default zone set, forwarded headers not trusted (the
	 * default).
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "timefan.ip.default-zone=" + DEFAULT_ZONE })
	@Import(PinnedClock.class)
	class CityDatabase extends Running {

		@DynamicPropertySource
		static void cityDatabase(DynamicPropertyRegistry registry) {
			databases(registry, GeoIpFixtures.CITY);
		}

		@Test
		void answersTheCapturedLondonExampleForALondonAddressByteForByte() {
			HttpResponse<String> response = get("/api/ip/81.2.69.160");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("{\"utc_offset\":\"+01:00\",\"timezone\":\"Europe/London\","
					+ "\"day_of_week\":4,\"day_of_year\":212,\"datetime\":\"2025-07-31T17:09:21.105749+01:00\","
					+ "\"utc_datetime\":\"2025-07-31T16:09:21.105749+00:00\",\"unixtime\":1753978161,\"raw_offset\":0,"
					+ "\"week_number\":31,\"dst\":true,\"abbreviation\":\"BST\",\"dst_offset\":3600,"
					+ "\"dst_from\":\"2025-03-30T01:00:00+00:00\",\"dst_until\":\"2025-10-26T01:00:00+00:00\","
					+ "\"client_ip\":\"81.2.69.160\"}");
		}

		@ParameterizedTest
		@CsvSource(textBlock = """
				81.2.69.160,            Europe/London, +01:00
				203.0.113.9,            Asia/Kolkata,  +05:30
				2001:db8:a::1,          Asia/Tokyo,    +09:00
				2001:DB8:A:0:0:0:0:1,   Asia/Tokyo,    +09:00
				::ffff:81.2.69.160,     Europe/London, +01:00
				""")
		void answersTheZoneOfAnIpv4OrIpv6AddressWithTheAddressAsAsked(String address, String zone, String utcOffset) {
			JsonNode time = timeObject("/api/ip/" + address);
			assertThat(time.get("timezone").stringValue()).isEqualTo(zone);
			assertThat(time.get("utc_offset").stringValue()).isEqualTo(utcOffset);
			assertThat(time.get("client_ip").stringValue()).isEqualTo(address);
		}

		/** The test database places 10/8, 127/8, ::1 and fd00::/8 in Auckland. */
		@ParameterizedTest
		@ValueSource(strings = { "10.1.2.3", "127.0.0.1", "::1", "fd00::1", "192.168.1.20", "fe80::1" })
		void answersTheDefaultZoneForPrivateAndLoopbackAddresses(String address) {
			JsonNode time = timeObject("/api/ip/" + address);
			assertThat(time.get("timezone").stringValue()).isEqualTo(DEFAULT_ZONE);
			assertThat(time.get("utc_offset").stringValue()).isEqualTo("+02:00");
			assertThat(time.get("client_ip").stringValue()).isEqualTo(address);
		}

		@ParameterizedTest
		@ValueSource(strings = { "8.8.8.8", "2001:4860:4860::8888", "198.51.100.7", "192.0.2.1", "192.0.2.200" })
		void answersTheDefaultZoneForAddressesTheDatabaseDoesNotPlace(String address) {
			JsonNode time = timeObject("/api/ip/" + address);
			assertThat(time.get("timezone").stringValue()).isEqualTo(DEFAULT_ZONE);
			assertThat(time.get("client_ip").stringValue()).isEqualTo(address);
		}

		@Test
		void answersTheCallersZoneWithItsAddressTheDefaultZoneForLoopback() {
			JsonNode time = timeObject("/api/ip");
			assertThat(time.get("timezone").stringValue()).isEqualTo(DEFAULT_ZONE);
			assertThat(time.get("client_ip").stringValue()).isEqualTo("127.0.0.1");
		}

		@Test
		void ignoresForwardedHeadersByDefault() {
			JsonNode time = timeObject("/api/ip", "81.2.69.160");
			assertThat(time.get("timezone").stringValue()).isEqualTo(DEFAULT_ZONE);
			assertThat(time.get("client_ip").stringValue()).isEqualTo("127.0.0.1");
		}

		@Test
		void writesTheCallersTimeObjectAsAlphabeticalKeyValueLines() {
			HttpResponse<String> response = get("/api/ip.txt");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(contentType(response)).isEqualTo("text/plain;charset=UTF-8");
			assertThat(response.body()).isEqualTo("""
					abbreviation: CEST
					client_ip: 127.0.0.1
					datetime: 2025-07-31T18:09:21.105749+02:00
					day_of_week: 4
					day_of_year: 212
					dst: true
					dst_from: 2025-03-30T01:00:00+00:00
					dst_offset: 3600
					dst_until: 2025-10-26T01:00:00+00:00
					raw_offset: 3600
					timezone: Europe/Paris
					unixtime: 1753978161
					utc_datetime: 2025-07-31T16:09:21.105749+00:00
					utc_offset: +02:00
					week_number: 31
					""");
		}

		@Test
		void writesAnAddresssTimeObjectAsText() {
			HttpResponse<String> response = get("/api/ip/2001:db8:a::1.txt");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(contentType(response)).isEqualTo("text/plain;charset=UTF-8");
			assertThat(response.body()).contains("client_ip: 2001:db8:a::1\n", "timezone: Asia/Tokyo\n",
					"utc_offset: +09:00\n", "abbreviation: JST\n");
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', textBlock = """
				not-an-ip          | not-an-ip
				localhost          | localhost
				dns.google         | dns.google
				8.8.8              | 8.8.8
				134744072          | 134744072
				256.1.1.1          | 256.1.1.1
				1.2.3.4.5          | 1.2.3.4.5
				2001:db8::g        | 2001:db8::g
				fe80::1%25eth0     | fe80::1%eth0
				%20                | ' '
				%0A                | ?
				""")
		void refusesAMalformedAddressWithAProblem(String path, String echoed) {
			HttpResponse<String> response = get("/api/ip/" + path);
			assertThat(response.statusCode()).as(path).isEqualTo(400);
			assertThat(contentType(response)).as(path).startsWith("application/problem+json");
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.get("type").stringValue()).isEqualTo("urn:timefan:problem:bad-request");
			assertThat(problem.get("title").stringValue()).isEqualTo("Malformed request");
			assertThat(problem.get("status").intValue()).isEqualTo(400);
			assertThat(problem.get("detail").stringValue()).startsWith("malformed IP address '" + echoed + "'");
			assertThat(problem.get("instance").stringValue()).isEqualTo("/api/ip/" + path);
		}

		@ParameterizedTest
		@ValueSource(strings = { "not-an-ip.txt", "localhost.txt", "8.8.8.txt", ".txt", "..txt", "1.2.3.4.txt.txt" })
		void refusesAMalformedAddressAsPlainTextForTxt(String path) {
			HttpResponse<String> response = get("/api/ip/" + path);
			assertThat(response.statusCode()).as(path).isEqualTo(400);
			assertThat(contentType(response)).isEqualTo("text/plain;charset=UTF-8");
			assertThat(response.body()).startsWith("Error: malformed IP address '").endsWith("\n").doesNotContain("{");
		}

		@Test
		void cutsALongMalformedAddressInItsError() {
			String asked = "a".repeat(5000);
			HttpResponse<String> response = get("/api/ip/" + asked);
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(JSON.readTree(response.body()).get("detail").stringValue())
				.startsWith("malformed IP address '" + "a".repeat(64) + "...'");
		}

		@Test
		void describesTheEndpointsInTheOpenApiDescription() {
			HttpResponse<String> response = get("/v3/api-docs");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode paths = JSON.readTree(response.body()).get("paths");
			assertThat(paths.propertyNames()).contains("/api/ip", "/api/ip.txt", "/api/ip/{address}");
			JsonNode byAddress = paths.get("/api/ip/{address}").get("get");
			assertThat(byAddress.get("responses").propertyNames()).contains("200", "400");
			assertThat(byAddress.get("responses").get("400").toString()).contains("#/components/schemas/Problem");
			assertThat(paths.get("/api/ip").get("get").get("responses").get("200").toString()).contains("TimeObject");
		}

		@Test
		void namesTheDatabasesInActuatorInfoByTypeNeverByPath() {
			HttpResponse<String> response = get("/actuator/info");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode geoip = JSON.readTree(response.body()).get("geoip");
			assertThat(geoip.get("default_zone").stringValue()).isEqualTo(DEFAULT_ZONE);
			assertThat(geoip.get("databases").get(0).get("type").stringValue()).isEqualTo("GeoIP2-City");
			assertThat(geoip.get("databases").get(0).get("ip_version").intValue()).isEqualTo(6);
			assertThat(geoip.get("databases").get(0).get("built").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
			assertThat(response.body()).doesNotContain("city.mmdb").doesNotContain("geoip/");
		}

	}

	/**
	 * ip-location-db's layout in its two files; forwarded headers trusted from the
	 * proxies Tomcat deems internal (loopback here), and rate limits on: the caller's
	 * address is the forwarded one, for {@code /api/ip} and for the limits alike. The
	 * limits' time is frozen, so a client's one request a second never refills during a
	 * test.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { ONE_WORKER, "server.forward-headers-strategy=native", "timefan.rate-limit.enabled=true",
					"timefan.rate-limit.requests-per-second=1" })
	@Import({ PinnedClock.class, FrozenLimits.class })
	class ForwardedThroughAProxy extends Running {

		@DynamicPropertySource
		static void flatDatabases(DynamicPropertyRegistry registry) {
			databases(registry, GeoIpFixtures.FLAT_IPV4, GeoIpFixtures.FLAT_IPV6);
		}

		@ParameterizedTest
		@CsvSource(textBlock = """
				81.2.69.130,       Europe/London
				203.0.113.10,      Asia/Kolkata
				2001:db8:a::10,    Asia/Tokyo
				2001:db8:b::10,    America/Sao_Paulo
				192.168.7.7,       UTC
				198.51.100.10,     UTC
				""")
		void answersTheForwardedCallersZoneAndAddress(String caller, String zone) {
			JsonNode time = timeObject("/api/ip", caller);
			assertThat(time.get("timezone").stringValue()).isEqualTo(zone);
			assertThat(time.get("client_ip").stringValue()).isEqualTo(caller);
		}

		@Test
		void takesTheAddressNextToTheTrustedProxyNotOneTheClientPrepended() {
			JsonNode time = timeObject("/api/ip", "203.0.113.11, 81.2.69.131");
			assertThat(time.get("client_ip").stringValue()).isEqualTo("81.2.69.131");
			assertThat(time.get("timezone").stringValue()).isEqualTo("Europe/London");
		}

		@Test
		void answersTheDefaultZoneWhenTheForwardedAddressIsNoAddress() {
			JsonNode time = timeObject("/api/ip", "unknown");
			assertThat(time.get("timezone").stringValue()).isEqualTo("UTC");
			assertThat(time.get("client_ip").stringValue()).isEqualTo("unknown");
		}

		@Test
		void theRateLimitsCountTheSameCallerAsApiIp() {
			assertThat(timeObject("/api/ip", "81.2.69.132").get("client_ip").stringValue()).isEqualTo("81.2.69.132");
			assertThat(get("/api/ip", "81.2.69.132").statusCode()).isEqualTo(429);
			assertThat(get("/api/timezone/UTC", "81.2.69.132").statusCode()).isEqualTo(429);
			assertThat(timeObject("/api/ip", "81.2.69.133").get("client_ip").stringValue()).isEqualTo("81.2.69.133");
		}

	}

	/** The rate limits' time, never moving: a bucket once empty stays empty. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FrozenLimits {

		@Bean
		TimeMeter frozenRateLimitTime() {
			return new TimeMeter() {

				@Override
				public long currentTimeNanos() {
					return 1_000_000_000L;
				}

				@Override
				public boolean isWallClockBased() {
					return false;
				}

			};
		}

	}

}
