package dev.timefan.fanout;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import dev.timefan.time.TimeArgument;
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
 * The fan-out endpoints of one strategy, every mapping, parameter and answer defined here
 * once. A strategy's controller is a subclass with its path prefix
 * ({@code @RequestMapping("/threads")}) that says how a request is answered: at once
 * ({@link BlockingFanoutController}) or later ({@code Mono} in {@code reactive}).
 *
 * @param <T> the answer to a path, a time object or a batch result
 * @param <B> the answer to a batch request
 */
public abstract class FanoutController<T, B> {

	private static final String SOURCE_DOC = "local (the tz database this service ships) or upstream; "
			+ "default timefan.source";

	private static final String AREA_DOC = "the area: the first segment of the zone";

	/** What {@code ?at=} takes, in the OpenAPI description. */
	static final String AT_DOC = "answer for this instant instead of now: ISO-8601 with Z or an offset "
			+ "(2026-03-29T01:30:00Z, 2026-03-29T03:30:00+02:00, the + sent as %2B) or epoch seconds "
			+ "(1774747800, -86400, 1774747800.25), from 0001-01-02 up to 9999-12-31 UTC. Every field of the time "
			+ "object is as of that instant, from the local tz database: source=upstream with at is 400, and "
			+ "without source it is local whatever timefan.source says. A date-time without Z or an offset is 400";

	private static final String BAD_SINGLE = "An unknown source, an unreadable or out-of-range at, "
			+ "or at with source=upstream";

	private final JsonMapper mapper;

	private final long maxBodyBytes;

	protected FanoutController(JsonMapper mapper, FanoutProperties properties) {
		this.mapper = mapper;
		this.maxBodyBytes = properties.batch().maxBodySize().toBytes();
	}

	@Operation(summary = "Time in a one-segment zone (UTC, GB), or a batch of comma-separated ones")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "400", description = BAD_SINGLE,
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{zone}")
	public T zone(
			@Parameter(description = "a one-segment zone, or a comma list of them",
					example = "UTC") @PathVariable String zone,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		return byPath(source, at, request, zone);
	}

	@Operation(summary = "Time in a zone such as Asia/Kolkata, or a batch: Asia/Kolkata,Dhaka")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "400", description = BAD_SINGLE,
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{area}/{location}")
	public T areaLocation(@Parameter(description = AREA_DOC, example = "Asia") @PathVariable String area,
			@Parameter(description = "a location, or a comma list of locations sharing the area",
					example = "Kolkata") @PathVariable String location,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		return byPath(source, at, request, area, location);
	}

	@Operation(summary = "Time in a three-segment zone such as America/Argentina/Buenos_Aires, or a batch")
	@ApiResponse(responseCode = "200", description = "The time object, or a batch result for a comma list",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { dev.timefan.time.TimeObject.class, BatchResult.class })))
	@ApiResponse(responseCode = "400", description = BAD_SINGLE,
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time/{area}/{location}/{region}")
	public T areaLocationRegion(@PathVariable String area, @PathVariable String location, @PathVariable String region,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		return byPath(source, at, request, area, location, region);
	}

	@Operation(summary = "A batch from the zones parameter: ?zones=Asia/Kolkata,Europe/Paris (or repeated)")
	@ApiResponse(responseCode = "200", description = "The batch result",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = BatchResult.class)))
	@ApiResponse(responseCode = "400",
			description = "Missing, empty or oversized batch, an unknown source, an unreadable or out-of-range at, "
					+ "or at with source=upstream",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time")
	public B zones(
			@Parameter(description = "zone names, comma-separated or repeated",
					example = "Asia/Kolkata,Europe/Paris") @RequestParam(required = false) @Nullable List<String> zones,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		List<String> names = ZoneNames.fromQuery((zones != null) ? zones : List.of());
		return batch(names, source, instant(at), request.getRemoteAddr());
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
			description = "Not a JSON array of strings, empty, oversized, too large a body, an unknown source, "
					+ "an unreadable or out-of-range at, or at with source=upstream",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "415", description = "Not application/json",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@PostMapping(path = "/time", consumes = MediaType.APPLICATION_JSON_VALUE)
	public B body(@Parameter(hidden = true) InputStream body,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		List<String> names = ZoneNames.fromBody(body, request.getContentLengthLong(), this.maxBodyBytes, this.mapper);
		return batch(names, source, instant(at), request.getRemoteAddr());
	}

	private T byPath(@Nullable String source, @Nullable String at, HttpServletRequest request, String... segments) {
		Instant instant = instant(at);
		if (segments[segments.length - 1].indexOf(',') >= 0) {
			return pathBatch(ZoneNames.fromPath(segments), source, instant, request.getRemoteAddr());
		}
		return single(String.join("/", segments), source, instant, request.getRemoteAddr());
	}

	/**
	 * The instant of a request's {@code at}.
	 * @param at the parameter as sent, or null
	 * @return the instant, or null for the present
	 * @throws org.springframework.web.ErrorResponseException 400 when it names no instant
	 * in range
	 */
	static @Nullable Instant instant(@Nullable String at) {
		if (at == null) {
			return null;
		}
		try {
			return TimeArgument.instant("at", at);
		}
		catch (IllegalArgumentException ex) {
			throw Problems.badRequest(ex.getMessage());
		}
	}

	/**
	 * Answers one zone.
	 * @param name the zone as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant to answer for, or null for the present
	 * @param clientIp the caller's address
	 * @return the time object, with {@code Server-Timing}
	 */
	protected abstract T single(String name, @Nullable String source, @Nullable Instant at, String clientIp);

	/**
	 * Answers a batch asked for by a path with a comma list.
	 * @param names the zones as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant every item answers for, or null for the present
	 * @param clientIp the caller's address
	 * @return the batch result, with {@code Server-Timing}
	 */
	protected abstract T pathBatch(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp);

	/**
	 * Answers a batch.
	 * @param names the zones as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant every item answers for, or null for the present
	 * @param clientIp the caller's address
	 * @return the batch result, with {@code Server-Timing}
	 */
	protected abstract B batch(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp);

	/**
	 * A single lookup's answer, with the fan-out's {@code Server-Timing} and the
	 * {@code Timefan-Source} it came from.
	 * @param single the lookup's answer
	 * @return the response
	 */
	protected static ResponseEntity<Object> answer(FanoutService.Single single) {
		return answer(single.time(), single.source(), single.elapsedMs());
	}

	/**
	 * An answer with the fan-out's {@code Server-Timing} and its {@code Timefan-Source}.
	 * @param <R> the body's type
	 * @param body the body
	 * @param source where it came from: a batch's source asked for
	 * @param elapsedMs how long the fan-out took
	 * @return the response
	 */
	protected static <R> ResponseEntity<R> answer(R body, Source source, double elapsedMs) {
		return ResponseEntity.ok()
			.header(FanoutService.SERVER_TIMING, FanoutService.serverTiming(elapsedMs))
			.header(FanoutService.SOURCE, source.wireName())
			.body(body);
	}

}
