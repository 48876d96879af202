package dev.timefan.fanout;

import java.io.InputStream;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The fan-out endpoints of one strategy. A strategy's controller is this class with its
 * path prefix ({@code @RequestMapping("/threads")}) and its engine; every mapping,
 * parameter and answer is defined here once.
 */
public abstract class FanoutController {

	private static final String SOURCE_DOC = "local (the tz database this service ships) or upstream; "
			+ "default timefan.source";

	private static final String AREA_DOC = "the area: the first segment of the zone";

	private final FanoutService service;

	private final FanoutEngine engine;

	private final JsonMapper mapper;

	private final long maxBodyBytes;

	protected FanoutController(FanoutService service, FanoutEngine engine, JsonMapper mapper,
			FanoutProperties properties) {
		this.service = service;
		this.engine = engine;
		this.mapper = mapper;
		this.maxBodyBytes = properties.batch().maxBodySize().toBytes();
	}

	@Operation(summary = "Time in a one-segment zone (UTC, GB), or a batch of comma-separated ones")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{zone}")
	public ResponseEntity<Object> zone(
			@Parameter(description = "a one-segment zone, or a comma list of them",
					example = "UTC") @PathVariable String zone,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			HttpServletRequest request) {
		return byPath(source, request, zone);
	}

	@Operation(summary = "Time in a zone such as Asia/Kolkata, or a batch: Asia/Kolkata,Dhaka")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{area}/{location}")
	public ResponseEntity<Object> areaLocation(
			@Parameter(description = AREA_DOC, example = "Asia") @PathVariable String area,
			@Parameter(description = "a location, or a comma list of locations sharing the area",
					example = "Kolkata") @PathVariable String location,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			HttpServletRequest request) {
		return byPath(source, request, area, location);
	}

	@Operation(summary = "Time in a three-segment zone such as America/Argentina/Buenos_Aires, or a batch")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{area}/{location}/{region}")
	public ResponseEntity<Object> areaLocationRegion(@PathVariable String area, @PathVariable String location,
			@PathVariable String region,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			HttpServletRequest request) {
		return byPath(source, request, area, location, region);
	}

	@Operation(summary = "A batch from the zones parameter: ?zones=Asia/Kolkata,Europe/Paris (or repeated)")
	@ApiResponse(responseCode = "200", description = "The batch result",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = BatchResult.class)))
	@ApiResponse(responseCode = "400", description = "Missing, empty or oversized batch, or an unknown source",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time")
	public ResponseEntity<BatchResult> zones(
			@Parameter(description = "zone names, comma-separated or repeated",
					example = "Asia/Kolkata,Europe/Paris") @RequestParam(required = false) @Nullable List<String> zones,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			HttpServletRequest request) {
		List<String> names = ZoneNames.fromQuery((zones != null) ? zones : List.of());
		return batch(names, source, request);
	}

	@Operation(summary = "A batch from a JSON array of zone names",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							array = @ArraySchema(schema = @Schema(type = "string")),
							examples = @ExampleObject(value = "[\"Asia/Kolkata\",\"Europe/Paris\"]"))))
	@ApiResponse(responseCode = "200", description = "The batch result",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = BatchResult.class)))
	@ApiResponse(responseCode = "400",
			description = "Not a JSON array of strings, empty, oversized, too large a body, or an unknown source",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "415", description = "Not application/json",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@PostMapping(path = "/time", consumes = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<BatchResult> body(@Parameter(hidden = true) InputStream body,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			HttpServletRequest request) {
		List<String> names = ZoneNames.fromBody(body, request.getContentLengthLong(), this.maxBodyBytes, this.mapper);
		return batch(names, source, request);
	}

	private ResponseEntity<Object> byPath(@Nullable String source, HttpServletRequest request, String... segments) {
		if (segments[segments.length - 1].indexOf(',') >= 0) {
			BatchResult result = runBatch(ZoneNames.fromPath(segments), source, request);
			return timed(result, result.elapsedMs());
		}
		FanoutService.Single single = this.service.single(this.engine, String.join("/", segments), source,
				request.getRemoteAddr());
		return timed(single.time(), single.elapsedMs());
	}

	private ResponseEntity<BatchResult> batch(List<String> names, @Nullable String source, HttpServletRequest request) {
		BatchResult result = runBatch(names, source, request);
		return timed(result, result.elapsedMs());
	}

	private BatchResult runBatch(List<String> names, @Nullable String source, HttpServletRequest request) {
		return this.service.batch(this.engine, names, source, request.getRemoteAddr());
	}

	private static <T> ResponseEntity<T> timed(T body, double elapsedMs) {
		return ResponseEntity.ok()
			.header(FanoutService.SERVER_TIMING, FanoutService.serverTiming(elapsedMs))
			.body(body);
	}

}
