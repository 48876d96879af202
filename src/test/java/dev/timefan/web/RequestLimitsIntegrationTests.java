package dev.timefan.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.timefan.time.ZoneCatalog;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits Tomcat puts on a request, sized from {@code timefan.batch.max-size} (the
 * default, 1,000), against a real Tomcat on a random port: a GET batch of the largest
 * size gets through by every route, and what goes beyond a limit is a problem naming it
 * with the contract's status, logged as one WARN line without a stack trace, never a 500.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timefan.processes.workers=1", "server.tomcat.max-http-form-post-size=1KB" })
@ExtendWith(OutputCaptureExtension.class)
@Import(RequestLimitsIntegrationTests.ParameterReaders.class)
class RequestLimitsIntegrationTests {

	private static final int MAX_SIZE = 1000;

	/** {@link RequestLimits}: the batch size and ten more. */
	private static final int MAX_PARAMETERS = MAX_SIZE + 10;

	/** {@link RequestLimits}: 40 bytes a zone and 8 KiB more. */
	private static final int MAX_HEADER_BYTES = MAX_SIZE * 40 + 8192;

	private static final List<String> ARGENTINA = List.of("Buenos_Aires", "Catamarca", "ComodRivadavia", "Cordoba",
			"Jujuy", "La_Rioja", "Mendoza", "Rio_Gallegos", "Salta", "San_Juan", "San_Luis", "Tucuman");

	private static final String POST_INSTEAD = "POST the zone names as a JSON array";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	private int port;

	@Autowired
	private ZoneCatalog catalog;

	// A GET batch of the largest size

	@Test
	void getBatchOfMaxSizeLongestNamesByQueryIsAnswered(CapturedOutput output) throws Exception {
		List<String> longest = this.catalog.names()
			.stream()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.limit(4)
			.toList();
		assertThat(longest.getFirst()).hasSize(32);
		List<String> names = IntStream.range(0, MAX_SIZE).mapToObj((i) -> longest.get(i % longest.size())).toList();
		String path = "/threads/time?zones=" + String.join(",", names);
		assertThat(path.length()).isGreaterThan(MAX_SIZE * 30);
		Reply reply = expectingNoRefusal(output, () -> get(path));
		assertBatch(reply, MAX_SIZE);
	}

	@Test
	void getBatchOfMaxSizeByCommaPathIsAnswered(CapturedOutput output) throws Exception {
		String cities = IntStream.range(0, MAX_SIZE)
			.mapToObj((i) -> ARGENTINA.get(i % ARGENTINA.size()))
			.collect(Collectors.joining(","));
		Reply reply = expectingNoRefusal(output, () -> get("/threads/time/America/Argentina/" + cities));
		assertBatch(reply, MAX_SIZE);
	}

	@Test
	void zonesRepeatedMaxSizeTimesIsAnswered(CapturedOutput output) throws Exception {
		Reply reply = expectingNoRefusal(output,
				() -> get("/threads/time?" + repeated("zones", "Asia/Kolkata", MAX_SIZE)));
		assertBatch(reply, MAX_SIZE);
	}

	@Test
	void zonesRepeatedOnceMoreThanMaxSizeIsTheBatchLimitProblem(CapturedOutput output) throws Exception {
		Reply reply = expectingNoRefusal(output,
				() -> get("/threads/time?" + repeated("zones", "Asia/Kolkata", MAX_SIZE + 1)));
		JsonNode problem = assertProblem(reply, 400);
		assertThat(problem.get("detail").asString())
			.isEqualTo("batch of 1001 zones is over the limit of 1000 (timefan.batch.max-size)");
	}

	// Parameters

	@ParameterizedTest
	@ValueSource(strings = { "/threads/time", "/virtual/time", "/processes/time", "/reactive/time", "/time",
			"/threads/time/UTC", "/reactive/time/Asia/Kolkata,Dhaka", "/compare/time", "/actuator/health",
			"/actuator/prometheus" })
	void thousandsOfParametersAreRefusedNamingTheLimit(String path, CapturedOutput output) throws Exception {
		String query = IntStream.range(0, 2000).mapToObj((i) -> "p" + i + "=" + i).collect(Collectors.joining("&"));
		Reply reply = expectingOneRefusal(output,
				"Refused GET " + path + ": more than " + MAX_PARAMETERS + " query parameters",
				() -> get(path + "?zones=UTC&" + query));
		JsonNode problem = assertProblem(reply, 400);
		assertThat(problem.get("detail").asString()).startsWith("more than " + MAX_PARAMETERS + " query parameters; ")
			.contains(POST_INSTEAD);
		assertThat(problem.get("instance").asString()).isEqualTo(path);
	}

	@Test
	void parametersAFilterCannotReadAreRefusedNamingTheLimit(CapturedOutput output) throws Exception {
		String query = IntStream.range(0, 2000).mapToObj((i) -> "p" + i + "=" + i).collect(Collectors.joining("&"));
		Reply reply = expectingOneRefusal(output,
				"Refused GET /filtered/time: more than " + MAX_PARAMETERS + " query parameters",
				() -> get("/filtered/time?" + query));
		JsonNode problem = assertProblem(reply, 400);
		assertThat(problem.get("detail").asString()).startsWith("more than " + MAX_PARAMETERS + " query parameters; ");
		assertThat(problem.get("instance").asString()).isEqualTo("/filtered/time");
	}

	@Test
	void zonesRepeatedBeyondTheParameterLimitIsRefusedNamingIt(CapturedOutput output) throws Exception {
		Reply reply = expectingOneRefusal(output, "more than " + MAX_PARAMETERS + " query parameters",
				() -> get("/threads/time?" + repeated("zones", "UTC", MAX_PARAMETERS + 1)));
		assertProblem(reply, 400);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			zones=%ZZ,             a parameter is not valid percent-encoded UTF-8
			zones=Asia%2FK%C3%28,  a parameter is not valid percent-encoded UTF-8
			zones=UTC&=x,          a parameter is malformed
			""")
	void malformedParameterIsRefusedNamingIt(String query, String detail, CapturedOutput output) throws Exception {
		Reply reply = expectingOneRefusal(output, "Refused GET /threads/time: " + detail,
				() -> raw("GET /threads/time?" + query + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
		assertThat(assertProblem(reply, 400).get("detail").asString()).isEqualTo(detail);
	}

	// The request line and headers

	@ParameterizedTest
	@ValueSource(strings = { "/threads/time?zones=", "/threads/time/America/Argentina/" })
	void overlongUriIsRefusedWithTheAdviceToPost(String prefix, CapturedOutput output) throws Exception {
		String uri = prefix + String.join(",", Collections.nCopies(200 * 1024 / 12, "Buenos_Aires"));
		Reply reply = expectingOneRefusal(output, "bytes accepted",
				() -> raw("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
		JsonNode problem = assertProblem(reply, 414);
		assertThat(problem.get("detail").asString()).contains(String.valueOf(MAX_HEADER_BYTES)).contains(POST_INSTEAD);
		assertThat(output.getAll()).doesNotContain("Buenos_Aires,Buenos_Aires");
	}

	@Test
	void hugeHeaderIsRefusedAs431(CapturedOutput output) throws Exception {
		String filler = "x".repeat(MAX_HEADER_BYTES);
		Reply reply = expectingOneRefusal(output,
				"Refused GET /threads/time/UTC: the request line and headers are larger than the " + MAX_HEADER_BYTES
						+ " bytes accepted",
				() -> raw("GET /threads/time/UTC HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + filler
						+ "\r\nConnection: close\r\n\r\n"));
		JsonNode problem = assertProblem(reply, 431);
		assertThat(problem.get("detail").asString()).doesNotContain(POST_INSTEAD);
		assertThat(problem.get("instance").asString()).isEqualTo("/threads/time/UTC");
		assertThat(output.getAll()).doesNotContain("xxxxxxxx");
	}

	@Test
	void tooManyHeaderFieldsAreRefusedAs431(CapturedOutput output) throws Exception {
		String headers = IntStream.range(0, 200)
			.mapToObj((i) -> "X-H" + i + ": " + i + "\r\n")
			.collect(Collectors.joining());
		Reply reply = expectingOneRefusal(output, "Refused GET /threads/time/UTC: more than 100 request header fields",
				() -> raw("GET /threads/time/UTC HTTP/1.1\r\nHost: localhost\r\n" + headers
						+ "Connection: close\r\n\r\n"));
		assertThat(assertProblem(reply, 431).get("detail").asString()).isEqualTo("more than 100 request header fields");
	}

	@Test
	void tooManyCookiesAreRefusedAs431(CapturedOutput output) throws Exception {
		String cookies = IntStream.range(0, 300).mapToObj((i) -> "c" + i + "=" + i).collect(Collectors.joining("; "));
		Reply reply = expectingOneRefusal(output, "Refused GET /threads/time/UTC: more than 200 cookies",
				() -> raw("GET /threads/time/UTC HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookies
						+ "\r\nConnection: close\r\n\r\n"));
		assertThat(assertProblem(reply, 431).get("detail").asString()).isEqualTo("more than 200 cookies");
	}

	// Bodies

	@ParameterizedTest
	@ValueSource(strings = { "/threads/time?zones=UTC", "/time/UTC", "/compare/time?zones=UTC", "/actuator/health" })
	void multipartGetWithABrokenBodyIsAnswered(String path, CapturedOutput output) throws Exception {
		Reply reply = expectingNoRefusal(output,
				() -> send(HttpRequest.newBuilder(uri(path))
					.header("Content-Type", "multipart/form-data; boundary=xyz")
					.method("GET", HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data"))
					.build()));
		assertThat(reply.status()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/time", "/threads/time", "/compare/time" })
	void multipartPostIsUnsupportedMediaType(String path, CapturedOutput output) throws Exception {
		Reply reply = expectingNoRefusal(output,
				() -> send(HttpRequest.newBuilder(uri(path + "?zones=UTC"))
					.header("Content-Type", "multipart/form-data; boundary=xyz")
					.POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nnot a part at all"))
					.build()));
		assertProblem(reply, 415);
	}

	@Test
	void formBodyOverTomcatsLimitIsContentTooLarge(CapturedOutput output) throws Exception {
		Reply reply = expectingOneRefusal(output,
				"Refused POST /form: the form body is larger than accepted (server.tomcat.max-http-form-post-size)",
				() -> send(HttpRequest.newBuilder(uri("/form"))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("zones=" + "UTC,".repeat(1024)))
					.build()));
		assertProblem(reply, 413);
	}

	// Helpers

	private Reply expectingNoRefusal(CapturedOutput output, Call call) throws Exception {
		int from = output.getAll().length();
		Reply reply = call.reply();
		String log = output.getAll().substring(from);
		assertThat(reply.status()).isNotEqualTo(500);
		assertThat(log.lines()).noneMatch((line) -> line.contains(" ERROR ") || line.startsWith("\tat "))
			.noneMatch((line) -> line.contains("Refused"));
		return reply;
	}

	private Reply expectingOneRefusal(CapturedOutput output, String naming, Call call) throws Exception {
		int from = output.getAll().length();
		Reply reply = call.reply();
		String log = output.getAll().substring(from);
		assertThat(reply.status()).isNotEqualTo(500);
		assertThat(log.lines()).noneMatch((line) -> line.contains(" ERROR ") || line.startsWith("\tat "));
		// Other WARN lines (a worker's, the upstream probe's) may come meanwhile; the
		// refusal is one line of its own logger.
		List<String> warnings = log.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("Refus"))
			.toList();
		assertThat(warnings).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("dev.timefan.web.Refusals")
			.contains(naming)
			.doesNotContain("p1999")
			.doesNotContain("zones=")
			.hasSizeLessThan(400);
		return reply;
	}

	private static JsonNode assertProblem(Reply reply, int status) {
		assertThat(reply.status()).isEqualTo(status);
		assertThat(reply.contentType()).startsWith("application/problem+json");
		JsonNode problem = JSON.readTree(reply.body());
		assertThat(problem.propertyNames()).contains("type", "title", "status", "detail", "instance");
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
		return problem;
	}

	private static void assertBatch(Reply reply, int size) {
		assertThat(reply.status()).isEqualTo(200);
		JsonNode batch = JSON.readTree(reply.body());
		assertThat(batch.get("size").asInt()).isEqualTo(size);
		assertThat(batch.get("succeeded").asInt()).isEqualTo(size);
		assertThat(batch.get("results")).hasSize(size);
	}

	private static String repeated(String name, String value, int times) {
		return String.join("&", Collections.nCopies(times, name + "=" + value));
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Reply get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).GET().build());
	}

	private Reply send(HttpRequest request) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
				response.body());
	}

	/**
	 * Sends a request as it is written, for what {@link HttpClient} will not send, and
	 * reads the answer up to the end of the connection, which Tomcat closes after a
	 * request it refused before reading all of it.
	 */
	private Reply raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request.getBytes(StandardCharsets.ISO_8859_1));
				out.flush();
			}
			catch (SocketException ex) {
				// Tomcat stopped reading once it saw enough; its answer is on the way.
			}
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					received.write(buffer, 0, n);
				}
			}
			catch (SocketException ex) {
				// A reset after the answer, for the bytes Tomcat did not read.
			}
			return Reply.parse(received.toString(StandardCharsets.UTF_8));
		}
	}

	/** A request made. */
	@FunctionalInterface
	private interface Call {

		Reply reply() throws Exception;

	}

	/** An answer: status, content type and body. */
	private record Reply(int status, String contentType, String body) {

		static Reply parse(String response) {
			int headEnd = response.indexOf("\r\n\r\n");
			assertThat(headEnd).as("an HTTP answer in %s", response).isPositive();
			List<String> head = new ArrayList<>(response.substring(0, headEnd).lines().toList());
			int status = Integer.parseInt(head.removeFirst().split(" ")[1]);
			String contentType = head.stream()
				.filter((line) -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
				.map((line) -> line.substring(13).trim())
				.findFirst()
				.orElse("");
			String body = response.substring(headEnd + 4);
			if (head.stream().anyMatch((line) -> line.equalsIgnoreCase("Transfer-Encoding: chunked"))) {
				body = unchunk(body);
			}
			return new Reply(status, contentType, body);
		}

		private static String unchunk(String chunked) {
			StringBuilder body = new StringBuilder();
			int at = 0;
			while (true) {
				int lineEnd = chunked.indexOf("\r\n", at);
				int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
				if (size == 0) {
					return body.toString();
				}
				body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
				at = lineEnd + 2 + size + 2;
			}
		}

	}

	/**
	 * What reads parameters where no timefan code does: an endpoint taking a form
	 * parameter (Tomcat parses a form body then, and refuses one over its limit), and a
	 * filter on {@code /filtered/*} asking for the parameters before any handler runs (a
	 * refusal then reaches the container's error page, not Spring MVC's handlers).
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ParameterReaders {

		@Bean
		FormController formController() {
			return new FormController();
		}

		@Bean
		FilterRegistrationBean<Filter> parameterReadingFilter() {
			Filter filter = (request, response, chain) -> {
				request.getParameterNames();
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
			registration.addUrlPatterns("/filtered/*");
			return registration;
		}

	}

	@RestController
	static class FormController {

		@PostMapping("/form")
		String form(@RequestParam String zones) {
			return zones;
		}

	}

}
