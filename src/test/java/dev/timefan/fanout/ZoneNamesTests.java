package dev.timefan.fanout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ZoneNames}.
 */
class ZoneNamesTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final long MAX_BYTES = 64;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			Asia Kolkata,Dhaka                     | Asia/Kolkata Asia/Dhaka
			America Argentina Buenos_Aires,Cordoba | America/Argentina/Buenos_Aires America/Argentina/Cordoba
			UTC,GB                                 | UTC GB
			Europe Paris                           | Europe/Paris
			America Argentina Buenos_Aires         | America/Argentina/Buenos_Aires
			UTC                                    | UTC
			Asia Kolkata,Kolkata                   | Asia/Kolkata Asia/Kolkata
			""")
	void aPathCommaListSharesThePrefixOfItsSegments(String segments, String expected) {
		assertThat(ZoneNames.fromPath(segments.split(" "))).containsExactly(expected.split(" "));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			Asia/Kolkata,Europe/Paris    | Asia/Kolkata Europe/Paris
			UTC GB,Asia/Dhaka            | UTC GB Asia/Dhaka
			UTC UTC                      | UTC UTC
			America/Argentina/Cordoba    | America/Argentina/Cordoba
			""")
	void queryValuesAreCommaListsAndMayRepeat(String values, String expected) {
		assertThat(ZoneNames.fromQuery(List.of(values.split(" ")))).containsExactly(expected.split(" "));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(quoteCharacter = '`', textBlock = """
			none
			``
			`,`
			` & `
			`,, & ,`
			""")
	void aQueryWithoutZonesIsABadRequest(String values) {
		// none: no zones parameter at all; otherwise the values of repeated parameters,
		// separated by &
		List<String> parameters = values.equals("none") ? List.of()
				: Arrays.stream(values.split("&", -1)).map(String::strip).toList();

		assertThatExceptionOfType(ErrorResponseException.class).isThrownBy(() -> ZoneNames.fromQuery(parameters))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail())
					.isEqualTo("empty batch: give zones as ?zones=Asia/Kolkata,Europe/Paris");
			});
	}

	@Test
	void aBodyIsAJsonArrayOfZoneNames() {
		String body = "[\"Asia/Kolkata\", \"europe/paris\", \"Asia/Kolkata\"]";

		assertThat(ZoneNames.fromBody(stream(body), body.length(), MAX_BYTES, MAPPER)).containsExactly("Asia/Kolkata",
				"europe/paris", "Asia/Kolkata");
	}

	@Test
	void anEmptyArrayBodyIsLeftForTheBatchToJudge() {
		assertThat(ZoneNames.fromBody(stream("[]"), -1, MAX_BYTES, MAPPER)).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					{"zones": ["UTC"]}  | the body must be a JSON array of zone names, such as ["Asia/Kolkata","Europe/Paris"]
					"UTC"               | the body must be a JSON array of zone names, such as ["Asia/Kolkata","Europe/Paris"]
					null                | the body must be a JSON array of zone names, such as ["Asia/Kolkata","Europe/Paris"]
					42                  | the body must be a JSON array of zone names, such as ["Asia/Kolkata","Europe/Paris"]
					["UTC", 3]          | item 1 of the body is number, not a string zone name
					["UTC", null]       | item 1 of the body is null, not a string zone name
					[["UTC"]]           | item 0 of the body is array, not a string zone name
					[{"zone": "UTC"}]   | item 0 of the body is object, not a string zone name
					["UTC", "GB", true] | item 2 of the body is boolean, not a string zone name
					["UTC"              | the body is not JSON: expected an array of zone names such as ["Asia/Kolkata","Europe/Paris"]
					[UTC]               | the body is not JSON: expected an array of zone names such as ["Asia/Kolkata","Europe/Paris"]
					Asia/Kolkata        | the body is not JSON: expected an array of zone names such as ["Asia/Kolkata","Europe/Paris"]
					""")
	void aBodyThatIsNotAnArrayOfStringsIsABadRequest(String body, String detail) {
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> ZoneNames.fromBody(stream(body), body.length(), MAX_BYTES, MAPPER))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).isEqualTo(detail);
			});
	}

	@Test
	void anEmptyBodyIsABadRequest() {
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> ZoneNames.fromBody(stream(""), 0, MAX_BYTES, MAPPER))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).contains("[\"Asia/Kolkata\",\"Europe/Paris\"]");
			});
	}

	@Test
	void aBodyDeclaredOverTheLimitIsRefusedUnread() {
		ByteArrayInputStream body = stream("[\"UTC\"]");

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> ZoneNames.fromBody(body, MAX_BYTES + 1, MAX_BYTES, MAPPER))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail())
					.isEqualTo("the body is larger than the limit of 64 bytes (timefan.batch.max-body-size)");
			});
		assertThat(body.available()).as("bytes left unread").isEqualTo(7);
	}

	@ParameterizedTest(name = "declared length {0}")
	@CsvSource(textBlock = """
			-1
			10
			""")
	void aBodyLargerThanTheLimitIsABadRequestWhateverItsDeclaredLength(long declaredLength) {
		String body = "[" + "\"UTC\",".repeat(10) + "\"GB\"]";
		assertThat(body.length()).isGreaterThan((int) MAX_BYTES);

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> ZoneNames.fromBody(stream(body), declaredLength, MAX_BYTES, MAPPER))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail())
					.isEqualTo("the body is larger than the limit of 64 bytes (timefan.batch.max-body-size)");
			});
	}

	@Test
	void aBodyOfExactlyTheLimitIsRead() {
		String body = "[" + "\"UTC\",".repeat(8) + "\"Asia/Kolkata\"]";
		assertThat(body.length()).isEqualTo((int) MAX_BYTES);

		assertThat(ZoneNames.fromBody(stream(body), -1, MAX_BYTES, MAPPER)).hasSize(9).endsWith("Asia/Kolkata");
	}

	@Test
	void aBodyThatCannotBeReadIsABadRequest() {
		InputStream failing = new InputStream() {

			@Override
			public int read() throws IOException {
				throw new IOException("connection reset");
			}

		};

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> ZoneNames.fromBody(failing, -1, MAX_BYTES, MAPPER))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).isEqualTo("could not read the request body: connection reset");
			});
	}

	private static ByteArrayInputStream stream(String body) {
		return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
	}

}
