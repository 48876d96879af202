package dev.timefan.fanout;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.ErrorResponseException;

/**
 * The zone names a fan-out request asks for, read from its path, its {@code zones}
 * parameter or its JSON body. Names are not judged here: an unknown one fails its own
 * item later.
 */
final class ZoneNames {

	private ZoneNames() {
	}

	/**
	 * The names of a path: one zone, or a comma list in the last segment sharing the
	 * segments before.
	 * @param segments the path segments after {@code /time}
	 * @return the names
	 */
	static List<String> fromPath(String... segments) {
		String last = segments[segments.length - 1];
		String prefix = String.join("/", Arrays.asList(segments).subList(0, segments.length - 1));
		String shared = prefix.isEmpty() ? "" : prefix + "/";
		return Arrays.stream(last.split(",", -1)).map((location) -> shared + location).toList();
	}

	/**
	 * The names of {@code zones} parameters, each a comma list.
	 * @param values the parameter's values
	 * @return the names
	 * @throws ErrorResponseException 400 when the parameter is missing or empty
	 */
	static List<String> fromQuery(List<String> values) {
		List<String> names = new ArrayList<>();
		for (String value : values) {
			names.addAll(Arrays.asList(value.split(",", -1)));
		}
		if (names.stream().allMatch(String::isEmpty)) {
			throw Problems.badRequest("empty batch: give zones as ?zones=Asia/Kolkata,Europe/Paris");
		}
		return names;
	}

	/**
	 * The names of a JSON body that must be an array of strings.
	 * @param body the body
	 * @param declaredLength the request's Content-Length, or -1
	 * @param maxBytes the largest body accepted
	 * @param mapper the JSON mapper
	 * @return the names
	 * @throws ErrorResponseException 400 for a body too large, not JSON, or not an array
	 * of strings
	 */
	static List<String> fromBody(InputStream body, long declaredLength, long maxBytes, JsonMapper mapper) {
		if (declaredLength > maxBytes) {
			throw tooLarge(maxBytes);
		}
		byte[] bytes;
		try {
			bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
		}
		catch (IOException ex) {
			throw Problems.badRequest("could not read the request body: " + ex.getMessage());
		}
		if (bytes.length > maxBytes) {
			throw tooLarge(maxBytes);
		}
		JsonNode tree;
		try {
			tree = mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw Problems.badRequest("the body is not JSON: expected an array of zone names such as "
					+ "[\"Asia/Kolkata\",\"Europe/Paris\"]");
		}
		if (tree == null || !tree.isArray()) {
			throw Problems.badRequest(
					"the body must be a JSON array of zone names, such as " + "[\"Asia/Kolkata\",\"Europe/Paris\"]");
		}
		List<String> names = new ArrayList<>(tree.size());
		for (int i = 0; i < tree.size(); i++) {
			JsonNode item = tree.get(i);
			if (!item.isString()) {
				throw Problems.badRequest("item " + i + " of the body is "
						+ item.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a string zone name");
			}
			names.add(item.asString());
		}
		return names;
	}

	private static ErrorResponseException tooLarge(long maxBytes) {
		return Problems
			.badRequest("the body is larger than the limit of " + maxBytes + " bytes (timefan.batch.max-body-size)");
	}

}
