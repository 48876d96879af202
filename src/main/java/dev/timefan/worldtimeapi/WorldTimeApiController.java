package dev.timefan.worldtimeapi;

import java.util.List;
import java.util.Map;

import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/timezone...}: worldtimeapi.org's API, answered from the local tz database.
 * A path ending in {@code .txt} answers plain text: a list one name a line, a time object
 * as {@code key: value} lines in alphabetical order with null as an empty value.
 */
@RestController
@RequestMapping("/api")
@Tag(name = "worldtimeapi", description = "The worldtimeapi.org API: change only the base URL")
class WorldTimeApiController {

	private static final String TXT = ".txt";

	private static final String UNKNOWN_LOCATION = "unknown location";

	private final ZoneCatalog catalog;

	private final WorldClock clock;

	private final JsonMapper mapper;

	WorldTimeApiController(ZoneCatalog catalog, WorldClock clock, JsonMapper mapper) {
		this.catalog = catalog;
		this.clock = clock;
		this.mapper = mapper;
	}

	@Operation(summary = "Every zone name, sorted (aliases and one-segment names included)")
	@ApiResponse(responseCode = "200", description = "The names",
			content = @Content(array = @ArraySchema(schema = @Schema(type = "string", example = "Africa/Abidjan"))))
	@GetMapping("/timezone")
	ResponseEntity<Object> all() {
		return list(this.catalog.names(), false);
	}

	@Operation(summary = "Every zone name, one a line")
	@ApiResponse(responseCode = "200", description = "The names",
			content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE))
	@GetMapping("/timezone.txt")
	ResponseEntity<Object> allText() {
		return list(this.catalog.names(), true);
	}

	@Operation(summary = "The zones of an area (Europe), or the time object when the name is a zone (UTC, GB); "
			+ "append .txt for plain text")
	@ApiResponse(responseCode = "200", description = "The names under the area, or a time object",
			content = @Content(schema = @Schema(oneOf = { TimeObject.class, String[].class })))
	@ApiResponse(responseCode = "404", description = "Unknown area or zone",
			content = @Content(examples = @ExampleObject(value = "{\"error\":\"unknown location\"}")))
	@GetMapping("/timezone/{area}")
	ResponseEntity<Object> area(@PathVariable String area, HttpServletRequest request) {
		boolean text = area.endsWith(TXT);
		String name = text ? area.substring(0, area.length() - TXT.length()) : area;
		Zone zone = this.catalog.find(name);
		if (zone != null) {
			return time(zone, text, request);
		}
		List<String> names = this.catalog.namesUnder(name);
		return names.isEmpty() ? unknown(text) : list(names, text);
	}

	@Operation(summary = "The time object of a zone such as Europe/London; append .txt for plain text")
	@ApiResponse(responseCode = "200", description = "The time object",
			content = @Content(schema = @Schema(implementation = TimeObject.class)))
	@ApiResponse(responseCode = "404", description = "Unknown zone",
			content = @Content(examples = @ExampleObject(value = "{\"error\":\"unknown location\"}")))
	@GetMapping("/timezone/{area}/{location}")
	ResponseEntity<Object> zone(@PathVariable String area, @PathVariable String location, HttpServletRequest request) {
		return zone(request, area, location);
	}

	@Operation(summary = "The time object of a three-segment zone such as America/Argentina/Buenos_Aires")
	@ApiResponse(responseCode = "200", description = "The time object",
			content = @Content(schema = @Schema(implementation = TimeObject.class)))
	@ApiResponse(responseCode = "404", description = "Unknown zone",
			content = @Content(examples = @ExampleObject(value = "{\"error\":\"unknown location\"}")))
	@GetMapping("/timezone/{area}/{location}/{region}")
	ResponseEntity<Object> zone(@PathVariable String area, @PathVariable String location, @PathVariable String region,
			HttpServletRequest request) {
		return zone(request, area, location, region);
	}

	/**
	 * Deeper or emptier paths under /api/timezone are unknown locations too, as on
	 * worldtimeapi.org.
	 */
	@Hidden
	@GetMapping("/timezone/**")
	ResponseEntity<Object> unknownPath(HttpServletRequest request) {
		return unknown(request.getRequestURI().endsWith(TXT));
	}

	private ResponseEntity<Object> zone(HttpServletRequest request, String... segments) {
		String path = String.join("/", segments);
		boolean text = path.endsWith(TXT);
		Zone zone = this.catalog.find(text ? path.substring(0, path.length() - TXT.length()) : path);
		return (zone != null) ? time(zone, text, request) : unknown(text);
	}

	private ResponseEntity<Object> time(Zone zone, boolean text, HttpServletRequest request) {
		TimeObject time = this.clock.now(zone, request.getRemoteAddr());
		if (!text) {
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(time);
		}
		return ResponseEntity.ok().contentType(PlainText.TEXT).body(PlainText.of(time, this.mapper));
	}

	private static ResponseEntity<Object> list(List<String> names, boolean text) {
		if (text) {
			return ResponseEntity.ok().contentType(PlainText.TEXT).body(String.join("\n", names) + "\n");
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(names);
	}

	private static ResponseEntity<Object> unknown(boolean text) {
		if (text) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.contentType(PlainText.TEXT)
				.body(PlainText.error(UNKNOWN_LOCATION));
		}
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", UNKNOWN_LOCATION));
	}

}
