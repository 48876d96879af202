package dev.timefan.worldtimeapi;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import dev.timefan.time.TimeObject;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

/**
 * worldtimeapi.org's {@code .txt} answers: a time object as {@code key: value} lines in
 * alphabetical order with null as an empty value, an error as {@code Error: reason}.
 */
final class PlainText {

	static final MediaType TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	private PlainText() {
	}

	static String of(TimeObject time, JsonMapper mapper) {
		Map<String, String> fields = new TreeMap<>();
		JsonNode tree = mapper.valueToTree(time);
		tree.properties()
			.forEach((field) -> fields.put(field.getKey(),
					field.getValue().isNull() ? "" : field.getValue().asString()));
		StringBuilder body = new StringBuilder();
		fields.forEach((key, value) -> body.append(key).append(": ").append(value).append('\n'));
		return body.toString();
	}

	static String error(String reason) {
		return "Error: " + reason + "\n";
	}

}
