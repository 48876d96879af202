package dev.timefan.fanout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import dev.timefan.ByteEdit;
import dev.timefan.Hostile;
import dev.timefan.JsonText;
import dev.timefan.TimefanApplication;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests to every fan-out endpoint of every strategy, against the whole service
 * on a random port with one worker process: random path segments and comma lists, zones
 * parameters and POST bodies (percent-encoded random unicode and bytes, encoded slashes,
 * dots, empty and very long items, raw bytes no URI can hold, lying Content-Lengths).
 * Whatever is sent, the answer comes within a bound and is below 500: a problem document
 * for a 4xx, a time object for one zone, and for a batch one item per name asked, each
 * with an item status.
 *
 * <p>
 * jqwik runs these properties, not JUnit Jupiter, so Spring's test context is not
 * available: the application is started once for the container, as
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} would, and closed after it.
 */
class HostileRequestsIntegrationTests {

	/** The strategy prefixes; "" is the default route. */
	private static final List<String> STRATEGIES = List.of("threads", "virtual", "processes", "reactive", "");

	private static final Set<Integer> ITEM_STATUSES = Set.of(200, 404, 502, 503, 504);

	private static final Set<String> ZONE_NAMES = Set.copyOf(Hostile.ZONE_NAMES);

	/** Characters a path or query may hold unescaped, besides letters and digits. */
	private static final String SAFE = "-._~!$'()*:@";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String HOST = "127.0.0.1";

	/**
	 * How long a request may take: a batch may rightly take its whole deadline
	 * ({@code timefan.batch.timeout}, 10 s) before its late items come back 504, so only
	 * twice that is a hang.
	 */
	private static final Duration REQUEST_BOUND = Duration.ofSeconds(20);

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(REQUEST_BOUND)
		.build();

	private static @Nullable ConfigurableApplicationContext context;

	private static int port;

	@BeforeContainer
	static void start() {
		context = new SpringApplicationBuilder(TimefanApplication.class)
			.properties("server.port=0", "timefan.processes.workers=1", "spring.main.banner-mode=off")
			.run();
		port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterContainer
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	// Paths

	@Property(tries = 200)
	void aPathCommaListIsAnsweredWithOneItemPerNameOrAProblem(@ForAll("strategies") String strategy,
			@ForAll @Size(max = 2) List<@From("segments") String> prefix,
			@ForAll @Size(min = 1, max = 8) List<@From("locations") String> locations, @ForAll long spelling,
			@ForAll("sources") Optional<String> source, @ForAll("instants") Optional<String> at) {
		Random random = new Random(spelling);
		StringBuilder path = new StringBuilder(strategyPath(strategy)).append("/time");
		prefix.forEach((segment) -> path.append('/').append(encode(segment, random, false)));
		path.append('/');
		for (int i = 0; i < locations.size(); i++) {
			path.append((i > 0) ? "," : "").append(encode(locations.get(i), random, false));
		}
		path.append(query(source, at, random, '?'));

		Answer answer = get(path.toString());

		assertAnswer(answer, (locations.size() > 1) ? locations.size() : null);
		if (answer.status() == 200 && locations.size() == 1) {
			assertThat(answer.json().has("results")).as("one name is answered with a time object").isFalse();
		}
	}

	@Property(tries = 100)
	void anyRequestPathIsAnsweredBelow500(@ForAll("strategies") String strategy,
			@ForAll @Size(min = 1, max = 12) List<@From("pathPieces") String> pieces) {
		String target = strategyPath(strategy) + "/time" + String.join("", pieces);

		assertAnswer(send(target, "GET", null, null, null), null);
	}

	@Property(tries = 100)
	void anyQueryStringIsAnsweredBelow500(@ForAll("strategies") String strategy, @ForAll("queryPaths") String path,
			@ForAll @Size(min = 1, max = 12) List<@From("queryPieces") String> pieces) {
		String target = strategyPath(strategy) + "/time" + path + "?" + String.join("", pieces);

		assertAnswer(send(target, "GET", null, null, null), null);
	}

	// Queries

	@Property(tries = 100)
	void aZonesQueryIsAnsweredWithOneItemPerNameOrAProblem(@ForAll("strategies") String strategy,
			@ForAll @Size(min = 1, max = 2) List<@From("queryValues") String> values, @ForAll long spelling,
			@ForAll("sources") Optional<String> source, @ForAll("instants") Optional<String> at) {
		Random random = new Random(spelling);
		StringBuilder path = new StringBuilder(strategyPath(strategy)).append("/time");
		for (int i = 0; i < values.size(); i++) {
			path.append((i > 0) ? '&' : '?').append("zones=").append(encode(values.get(i), random, true));
		}
		path.append(query(source, at, random, '&'));
		int names = values.stream().mapToInt((value) -> decoded(value).split(",", -1).length).sum();

		assertAnswer(get(path.toString()), names);
	}

	// Bodies

	@Property(tries = 150)
	void aPostedBodyIsAnsweredWithOneItemPerNameOrAProblem(@ForAll("strategies") String strategy,
			@ForAll("bodies") byte[] body, @ForAll("contentTypes") Optional<String> contentType) {
		Answer answer = post(strategyPath(strategy) + "/time", body, contentType.orElse(null));

		assertAnswer(answer, arrayLength(body));
	}

	@Property(tries = 40)
	void aLyingContentLengthIsAnsweredBelow500(@ForAll("strategies") String strategy, @ForAll("bodies") byte[] body,
			@ForAll("declaredLengths") String declared) {
		String target = strategyPath(strategy) + "/time";

		assertAnswer(send(target, "POST", "application/json", declared, body), null);
	}

	@Example
	void aQueryStringTheContainerCannotParseIsABadRequest() {
		for (String target : List.of("/threads/time?zones=%", "/virtual/time?=", "/reactive/time?zones=UTC&source=%zz",
				"/processes/time/UTC?%", "/time/Asia/Kolkata,Dhaka?%e2%82")) {
			Answer answer = send(target, "GET", null, null, null);
			assertAnswer(answer, null);
			assertThat(answer.status()).as("status of %s", target).isEqualTo(400);
		}
	}

	@Example
	void aBrokenEscapeInAPathParameterIsABadRequest() {
		// Tomcat decodes the path without its parameters; Spring parses them.
		for (String target : List.of("/threads/time;%", "/time/UTC;%4", "/reactive/time;x=%zz/UTC", "/api/timezone;%",
				"/;%", "/compare/time;%?zones=UTC")) {
			Answer answer = send(target, "GET", null, null, null);
			assertAnswer(answer, null);
			assertThat(answer.status()).as("status of %s", target).isEqualTo(400);
			assertThat(answer.json().path("detail").asString()).as(target)
				.isEqualTo("malformed request: the path or its escapes are not accepted");
		}
	}

	@Example
	void aQueryWithMoreParametersThanTheContainerTakesIsABadRequest() {
		Answer answer = get("/virtual/time?zones=UTC" + "&x".repeat(2_000));
		assertAnswer(answer, null);
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().path("detail").asString()).startsWith("more than 1010 query parameters");
	}

	// The contract's suggestions

	@Property(tries = 50)
	void everyUnknownZoneOfABatchCarriesASuggestionsArray(@ForAll("strategies") String strategy,
			@ForAll @Size(min = 1, max = 4) List<@From("unknownNames") String> names) {
		byte[] body = JSON.writeValueAsBytes(names);

		Answer answer = post(strategyPath(strategy) + "/time", body, "application/json");

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		for (JsonNode item : answer.json().get("results")) {
			if (item.get("status").asInt() == 404) {
				assertThat(item.has("suggestions") && item.get("suggestions").isArray())
					.as("404 item %s has a suggestions array", item)
					.isTrue();
			}
		}
	}

	/**
	 * What every answer must be: within the bound, below 500, a problem document for a
	 * 4xx, and a time object or a batch of item statuses for a 200.
	 * @param answer the answer
	 * @param names how many names the request asked for, when known: a batch answers one
	 * item per name
	 */
	private static void assertAnswer(Answer answer, @Nullable Integer names) {
		assertThat(answer.status()).as("status of %s", answer).isLessThan(500).isGreaterThanOrEqualTo(200);
		if (answer.status() >= 400) {
			assertThat(answer.contentType()).as("content type of %s", answer).startsWith("application/problem+json");
			JsonNode problem = answer.json();
			assertThat(problem.path("status").asInt()).as("problem status of %s", answer).isEqualTo(answer.status());
			assertThat(problem.path("title").isString()).as("problem title of %s", answer).isTrue();
			assertThat(problem.path("type").isString()).as("problem type of %s", answer).isTrue();
			if (problem.path("type").asString().endsWith(":unknown-zone")) {
				assertThat(problem.path("suggestions").isArray()).as("suggestions of %s", answer).isTrue();
			}
			return;
		}
		assertThat(answer.status()).as("status of %s", answer).isEqualTo(200);
		JsonNode json = answer.json();
		if (!json.has("results")) {
			assertThat(ZONE_NAMES).as("time object of %s", answer).contains(json.path("timezone").asString());
			return;
		}
		JsonNode results = json.get("results");
		if (names != null) {
			assertThat(results.size()).as("items of %s", answer).isEqualTo(names);
		}
		assertThat(json.path("size").asInt()).as("size of %s", answer).isEqualTo(results.size());
		for (JsonNode item : results) {
			assertThat(ITEM_STATUSES).as("item %s", item).contains(item.path("status").asInt());
			assertThat(item.has("zone")).as("item %s", item).isTrue();
			if (item.path("status").asInt() == 200) {
				assertThat(ZONE_NAMES).as("item %s", item).contains(item.path("time").path("timezone").asString());
			}
		}
	}

	// Generators

	@Provide
	Arbitrary<String> strategies() {
		return Arbitraries.of(STRATEGIES);
	}

	@Provide
	Arbitrary<Optional<String>> sources() {
		return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Optional.<String>empty())),
				Tuple.of(2, Arbitraries.of("local", "LOCAL", "Local").map(Optional::of)),
				Tuple.of(2, Hostile.names().map(Optional::of)));
	}

	/**
	 * The {@code at} parameter: instants and epoch seconds at and beyond every bound,
	 * malformed ones, and hostile strings.
	 */
	@Provide
	Arbitrary<Optional<String>> instants() {
		Arbitrary<String> edges = Arbitraries.of("2026-07-01T12:00:00Z", "1970-01-01T00:00:00Z",
				"-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z", "+1000000001-01-01T00:00:00Z",
				"2026-02-30T00:00:00Z", "2026-07-01T12:00:00+14:00", "2026-07-01T12:00:00+25:00", "2026-07-01T12:00:00",
				"2026-07-01", "0", "-0", "+5", "1e10", "1.5", "9223372036854775807", "-9223372036854775808",
				"9223372036854775808", "31556889864403199", "31556889864403200", "-31557014167219200",
				"-31557014167219201", " 5", "");
		Arbitrary<String> seconds = Arbitraries.longs().map(String::valueOf);
		return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Optional.<String>empty())),
				Tuple.of(2, edges.map(Optional::of)), Tuple.of(1, seconds.map(Optional::of)),
				Tuple.of(1, Hostile.names().map(Optional::of)));
	}

	/**
	 * Path segments before the last: real areas, or hostile names that stay one segment.
	 */
	@Provide
	Arbitrary<String> segments() {
		Arbitrary<String> areas = Arbitraries.of(Hostile.ZONE_NAMES)
			.filter((name) -> name.contains("/"))
			.map((name) -> name.substring(0, name.indexOf('/')));
		Arbitrary<String> hostile = Hostile.names()
			.map((name) -> name.replaceAll("[/\\\\\\x00]", ""))
			.filter((segment) -> !segment.isEmpty() && !segment.equals(".") && !segment.equals(".."));
		return Arbitraries.frequencyOf(Tuple.of(3, areas), Tuple.of(2, hostile));
	}

	/**
	 * Items of a comma list: real locations, hostile names and long ones, without a comma
	 * (which would make two items) and mostly without what Tomcat refuses in a path
	 * whatever the escape (slash, backslash, NUL), which {@link #targetPieces()} sends.
	 */
	@Provide
	Arbitrary<String> locations() {
		Arbitrary<String> real = Arbitraries.of(Hostile.ZONE_NAMES)
			.map((name) -> name.substring(name.lastIndexOf('/') + 1));
		Arbitrary<String> hostile = Hostile.names();
		Arbitrary<String> empty = Arbitraries.just("");
		Arbitrary<String> longOnes = Arbitraries.strings().all().ofMinLength(65).ofMaxLength(1500);
		Arbitrary<String> items = Arbitraries.frequencyOf(Tuple.of(4, real), Tuple.of(4, hostile), Tuple.of(1, empty),
				Tuple.of(1, longOnes));
		return Combinators.combine(items, Arbitraries.integers().between(0, 9))
			.as((item, odds) -> (odds == 0) ? item : item.replaceAll("[/\\\\\\x00]", ""))
			.map((item) -> item.replace(",", ""));
	}

	/** Values of a zones parameter: comma lists of real and hostile names. */
	@Provide
	Arbitrary<String> queryValues() {
		Arbitrary<String> names = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(Hostile.ZONE_NAMES)),
				Tuple.of(4, Hostile.names()), Tuple.of(1, Arbitraries.just("")),
				Tuple.of(1, Arbitraries.strings().all().ofMinLength(65).ofMaxLength(1500)));
		return names.list().ofMinSize(1).ofMaxSize(4).map((list) -> String.join(",", list));
	}

	/**
	 * Pieces of a path that no URI may hold, or that Tomcat refuses, or that normalise;
	 * no query starts in them.
	 */
	@Provide
	Arbitrary<String> pathPieces() {
		Arbitrary<String> tokens = Arbitraries.of("/", "//", "/.", "/..", "/./", "/../", "%2F", "%2f", "%5C", "\\",
				"%00", "%", "%zz", "%e2%82", "%C0%AF", "%2e%2e", ",", ",,", ";", ";jsessionid=x", "#", "%3F", "%u2215",
				"/Asia", "/Kolkata", "/Asia/Kolkata,Dhaka", "/UTC", "%20", "+", "{", "}", "|", "^", "`", "[", "]");
		Arbitrary<String> names = Hostile.names().map((name) -> "/" + raw(name));
		Arbitrary<String> longOnes = Arbitraries.of(100, 1_000, 8_000, 20_000).map((n) -> "/" + "a".repeat(n));
		return Arbitraries.frequencyOf(Tuple.of(6, tokens), Tuple.of(3, names), Tuple.of(2, rawBytes()),
				Tuple.of(1, longOnes));
	}

	/** What a query string follows: the batch route, or a zone or comma list. */
	@Provide
	Arbitrary<String> queryPaths() {
		return Arbitraries.of("", "/UTC", "/Asia/Kolkata", "/Asia/Kolkata,Dhaka", "/Mars/Olympus");
	}

	/**
	 * Pieces of a query string: parameter names, separators, broken escapes, raw bytes.
	 */
	@Provide
	Arbitrary<String> queryPieces() {
		Arbitrary<String> tokens = Arbitraries.of("zones=", "source=", "at=", "&", "=", "&&", "%", "%zz", "%e2%82",
				"%C0%AF", "%00", "%2C", ",", "+", "%2B", ";", "?", "#", "UTC", "Asia/Kolkata", "local", "upstream",
				"2026-07-01T12:00:00Z", "%FF%FE", "%ED%A0%80");
		Arbitrary<String> names = Hostile.names().map(HostileRequestsIntegrationTests::raw);
		return Arbitraries.frequencyOf(Tuple.of(6, tokens), Tuple.of(2, names), Tuple.of(2, rawBytes()));
	}

	/**
	 * Raw bytes of a request target, but for those that end it (space, CR, LF) or start a
	 * query.
	 */
	private static Arbitrary<String> rawBytes() {
		return Arbitraries.bytes()
			.filter((b) -> b != ' ' && b != '\r' && b != '\n' && b != '?')
			.array(byte[].class)
			.ofMaxSize(20)
			.map((raw) -> new String(raw, StandardCharsets.ISO_8859_1));
	}

	/**
	 * A string's UTF-8 bytes as they are, one char each, but those that end a request
	 * target or start a query.
	 */
	private static String raw(String value) {
		return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1).replaceAll("[ \r\n?]",
				"");
	}

	/** Bodies: arrays of names as JSON, mutated JSON, random bytes, other JSON values. */
	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<List<String>> names = Arbitraries
			.frequencyOf(Tuple.of(3, Arbitraries.of(Hostile.ZONE_NAMES)), Tuple.of(5, Hostile.names()),
					Tuple.of(1, Arbitraries.just("")))
			.list()
			.ofMaxSize(10);
		Arbitrary<byte[]> arrays = Combinators.combine(names, Arbitraries.of(true, false))
			.as((list, escapeAll) -> JsonText.write(list, escapeAll, "").getBytes(StandardCharsets.UTF_8));
		Arbitrary<byte[]> mutated = Combinators.combine(arrays, ByteEdit.edits(1, 3)).as(ByteEdit::applyAll);
		Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
		Arbitrary<byte[]> others = Arbitraries
			.of("{}", "null", "\"UTC\"", "[[\"UTC\"]]", "[1]", "[null]", "", "[]", "[\"UTC\",]",
					"[" + "[".repeat(10_000), "[\"" + "x".repeat(300_000) + "\"]",
					"[" + "\"UTC\",".repeat(1_200) + "\"UTC\"]")
			.map((json) -> json.getBytes(StandardCharsets.UTF_8));
		return Arbitraries.frequencyOf(Tuple.of(4, arrays), Tuple.of(3, mutated), Tuple.of(2, random),
				Tuple.of(1, others));
	}

	@Provide
	Arbitrary<Optional<String>> contentTypes() {
		return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Optional.of("application/json"))),
				Tuple.of(1,
						Arbitraries
							.of("application/json;charset=UTF-16", "text/plain", "application/problem+json",
									"application/json;charset=nonsense", "*/*", "application/x-www-form-urlencoded",
									"multipart/form-data; boundary=x", "application/json; charset=\"", "ü/ä")
							.map(Optional::of)),
				Tuple.of(1, Arbitraries.just(Optional.<String>empty())));
	}

	/**
	 * Content-Length headers, true or not; {@code send} fills in the body's own length
	 * for "true".
	 */
	@Provide
	Arbitrary<String> declaredLengths() {
		return Arbitraries.oneOf(Arbitraries.of("true", "0", "1", "-1", "262144", "262145", "2147483648",
				"99999999999999999999", "abc", " 5", "5,5", "0x10", ""),
				Arbitraries.integers().between(0, 400).map(String::valueOf));
	}

	/** Names no catalog holds, some far from any. */
	@Provide
	Arbitrary<String> unknownNames() {
		return Arbitraries
			.frequencyOf(Tuple.of(1, Arbitraries.of("Mars/Olympus", "qqqqqqqqqqqq", "x", "Asia/Kolkatta")),
					Tuple.of(2, Hostile.names()))
			.filter((name) -> !ZONE_NAMES.contains(name) && !name.isBlank()
					&& ZONE_NAMES.stream().noneMatch(name::equalsIgnoreCase));
	}

	// Requests

	private static String strategyPath(String strategy) {
		return strategy.isEmpty() ? "" : "/" + strategy;
	}

	/** The source and at parameters, those that are present, after the separator. */
	private static String query(Optional<String> source, Optional<String> at, Random random, char separator) {
		List<String> parameters = new ArrayList<>();
		source.ifPresent((value) -> parameters.add("source=" + encode(value, random, true)));
		at.ifPresent((value) -> parameters.add("at=" + encode(value, random, true)));
		return parameters.isEmpty() ? "" : separator + String.join("&", parameters);
	}

	/**
	 * Percent-encodes a string's UTF-8 bytes, leaving letters, digits and {@link #SAFE}
	 * characters raw or not at random, in either case of hex digits.
	 */
	private static String encode(String value, Random random, boolean query) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			boolean safe = (c < 0x80) && (Character.isLetterOrDigit(c) || SAFE.indexOf(c) >= 0);
			if (safe && random.nextInt(4) > 0) {
				encoded.append(c);
			}
			else if (query && c == ' ' && random.nextBoolean()) {
				encoded.append('+');
			}
			else {
				String hex = HexFormat.of().toHexDigits(b);
				encoded.append('%').append(random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
			}
		}
		return encoded.toString();
	}

	/** A string as the server decodes it: a lone surrogate was sent as '?'. */
	private static String decoded(String value) {
		return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
	}

	/** How many names a body asks for, when it is a JSON array of strings. */
	private static @Nullable Integer arrayLength(byte[] body) {
		try {
			JsonNode tree = JSON.readTree(body);
			if (tree != null && tree.isArray()) {
				for (JsonNode item : tree) {
					if (!item.isString()) {
						return null;
					}
				}
				return tree.size();
			}
			return null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static Answer get(String target) {
		URI uri;
		try {
			uri = new URI("http://" + HOST + ":" + port + target);
		}
		catch (URISyntaxException ex) {
			return send(target, "GET", null, null, null);
		}
		return exchange(HttpRequest.newBuilder(uri).GET(), target);
	}

	private static Answer post(String target, byte[] body, @Nullable String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + target))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return exchange(request, target);
	}

	private static Answer exchange(HttpRequest.Builder request, String target) {
		Hostile.Attempt<Answer> answer = Hostile.attempt(REQUEST_BOUND.plusSeconds(5), () -> {
			HttpResponse<byte[]> response = CLIENT.send(request.timeout(REQUEST_BOUND).build(),
					HttpResponse.BodyHandlers.ofByteArray());
			return new Answer(target, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.body());
		});
		assertThat(answer.thrown()).as("sending %s", target).isNull();
		return answer.value();
	}

	/**
	 * Sends a request as it is, over a socket: for targets no {@link URI} can hold, and
	 * for Content-Length headers that lie. The client's side is shut after the body, so a
	 * server waiting for more reads the end of the stream.
	 */
	private static Answer send(String target, String method, @Nullable String contentType,
			@Nullable String contentLength, byte @Nullable [] body) {
		Hostile.Attempt<Answer> answer = Hostile.attempt(REQUEST_BOUND.plusSeconds(5), () -> {
			try (Socket socket = new Socket(HOST, port)) {
				socket.setSoTimeout((int) REQUEST_BOUND.toMillis());
				ByteArrayOutputStream request = new ByteArrayOutputStream();
				request.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
				request.writeBytes(target.getBytes(StandardCharsets.ISO_8859_1));
				request.writeBytes(
						" HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
				if (contentType != null) {
					request.writeBytes(("Content-Type: " + contentType + "\r\n").getBytes(StandardCharsets.UTF_8));
				}
				if (contentLength != null) {
					String length = contentLength.equals("true") ? String.valueOf(body.length) : contentLength;
					request.writeBytes(("Content-Length: " + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
				}
				request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
				if (body != null) {
					request.writeBytes(body);
				}
				OutputStream out = socket.getOutputStream();
				try {
					out.write(request.toByteArray());
					out.flush();
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					// The server answered and closed before taking everything: read its
					// answer.
				}
				return parse(target, socket.getInputStream());
			}
		});
		assertThat(answer.thrown()).as("sending %s", target).isNull();
		return answer.value();
	}

	private static Answer parse(String target, InputStream in) throws IOException {
		byte[] raw = in.readAllBytes();
		String text = new String(raw, StandardCharsets.ISO_8859_1);
		int headEnd = text.indexOf("\r\n\r\n");
		assertThat(headEnd).as("a whole response head for %s: %s", target, text).isPositive();
		String[] head = text.substring(0, headEnd).split("\r\n");
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < head.length; i++) {
			int colon = head[i].indexOf(':');
			headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
					head[i].substring(colon + 1).trim());
		}
		byte[] body = Arrays.copyOfRange(raw, headEnd + 4, raw.length);
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = dechunk(body);
		}
		return new Answer(target, Integer.parseInt(head[0].split(" ")[1]), headers.getOrDefault("content-type", ""),
				body);
	}

	private static byte[] dechunk(byte[] chunked) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		String text = new String(chunked, StandardCharsets.ISO_8859_1);
		int at = 0;
		while (true) {
			int lineEnd = text.indexOf("\r\n", at);
			int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
			if (size == 0) {
				return body.toByteArray();
			}
			body.write(chunked, lineEnd + 2, size);
			at = lineEnd + 2 + size + 2;
		}
	}

	/**
	 * An answer.
	 *
	 * @param target what was asked
	 * @param status its status
	 * @param contentType its content type
	 * @param body its body
	 */
	private record Answer(String target, int status, String contentType, byte[] body) {

		JsonNode json() {
			try {
				return JSON.readTree(this.body);
			}
			catch (JacksonException ex) {
				throw new AssertionError("not JSON: " + this, ex);
			}
		}

		@Override
		public String toString() {
			String shown = new String(this.body, StandardCharsets.UTF_8);
			String target = (this.target.length() > 300) ? this.target.substring(0, 300) + "..." : this.target;
			return this.status + " " + this.contentType + " for " + target + ": "
					+ ((shown.length() > 600) ? shown.substring(0, 600) + "..." : shown);
		}

	}

}
