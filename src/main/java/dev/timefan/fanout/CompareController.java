package dev.timefan.fanout;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import dev.timefan.time.TimeObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /compare/time}: one batch through every strategy in turn, side by side.
 */
@RestController
@RequestMapping("/compare")
@Tag(name = "compare", description = "One batch through every strategy in turn")
class CompareController {

	private static final String SOURCE_DOC = "local (the tz database this service ships) or upstream; "
			+ "default timefan.source";

	private static final String AT_DOC = FanoutController.AT_DOC
			+ ". Every strategy answers for the same instant, and agree then compares every field of every time object";

	private static final String BAD_REQUEST = "Missing, empty or oversized batch, not a JSON array of strings, "
			+ "an unknown source, an unreadable or out-of-range at, or at with source=upstream";

	private final FanoutService service;

	private final FanoutEngines engines;

	private final JsonMapper mapper;

	private final long maxBodyBytes;

	CompareController(FanoutService service, FanoutEngines engines, JsonMapper mapper, FanoutProperties properties) {
		this.service = service;
		this.engines = engines;
		this.mapper = mapper;
		this.maxBodyBytes = properties.batch().maxBodySize().toBytes();
	}

	@Operation(summary = "Run the zones of ?zones= through every strategy")
	@ApiResponse(responseCode = "200", description = "One run per strategy",
			content = @Content(schema = @Schema(implementation = CompareResult.class)))
	@ApiResponse(responseCode = "400", description = BAD_REQUEST,
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/time")
	CompareResult compare(
			@Parameter(description = "zone names, comma-separated or repeated",
					example = "Asia/Kolkata,Europe/Paris") @RequestParam(required = false) @Nullable List<String> zones,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		return compare(ZoneNames.fromQuery((zones != null) ? zones : List.of()), source, FanoutController.instant(at),
				request.getRemoteAddr());
	}

	@Operation(summary = "Run a JSON array of zone names through every strategy",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							array = @ArraySchema(schema = @Schema(type = "string")))))
	@ApiResponse(responseCode = "200", description = "One run per strategy",
			content = @Content(schema = @Schema(implementation = CompareResult.class)))
	@ApiResponse(responseCode = "400", description = BAD_REQUEST,
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@PostMapping(path = "/time", consumes = MediaType.APPLICATION_JSON_VALUE)
	CompareResult compareBody(@Parameter(hidden = true) InputStream body,
			@Parameter(description = SOURCE_DOC,
					schema = @Schema(allowableValues = { "local", "upstream" })) @RequestParam(
							required = false) @Nullable String source,
			@Parameter(description = AT_DOC,
					example = "2026-03-29T01:30:00Z") @RequestParam(required = false) @Nullable String at,
			HttpServletRequest request) {
		return compare(ZoneNames.fromBody(body, request.getContentLengthLong(), this.maxBodyBytes, this.mapper), source,
				FanoutController.instant(at), request.getRemoteAddr());
	}

	private CompareResult compare(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp) {
		Source requested = this.service.source(source, at);
		List<FanoutEngine> engines = this.engines.all();
		this.service.takeItems(names, source, at, clientIp, engines.size());
		List<CompareResult.Run> runs = new ArrayList<>();
		List<List<Fingerprint>> answers = new ArrayList<>();
		for (FanoutEngine engine : engines) {
			try {
				BatchResult result = this.service.batchWithoutSuggestions(engine, names, source, at, clientIp);
				runs.add(new CompareResult.Run(engine.strategy(), result.elapsedMs(), result.succeeded(),
						result.failed(), statuses(result)));
				answers.add(result.results().stream().map((item) -> Fingerprint.of(item, at != null)).toList());
			}
			catch (Shed ex) {
				// A strategy at capacity sheds the comparison whole: a run missing from
				// it
				// would compare nothing.
				throw ex;
			}
			catch (ErrorResponseException ex) {
				if (ex.getStatusCode() != HttpStatus.SERVICE_UNAVAILABLE) {
					throw ex;
				}
				runs.add(new CompareResult.Run(engine.strategy(), 0, 0, names.size(),
						Map.of(Integer.toString(ex.getStatusCode().value()), names.size())));
				answers.add(names.stream().map((name) -> new Fingerprint(503, null)).toList());
			}
		}
		boolean agree = answers.stream().distinct().count() <= 1;
		String fastest = runs.stream()
			.filter((run) -> run.succeeded() > 0 || run.failed() == 0)
			.min(Comparator.comparingDouble(CompareResult.Run::elapsedMs))
			.map(CompareResult.Run::strategy)
			.orElse(runs.getFirst().strategy());
		return new CompareResult(names.size(), requested, runs, agree, fastest);
	}

	private static Map<String, Integer> statuses(BatchResult result) {
		Map<String, Integer> statuses = new TreeMap<>();
		result.results().forEach((item) -> statuses.merge(Integer.toString(item.status()), 1, Integer::sum));
		return statuses;
	}

	/**
	 * What must be equal across strategies for them to agree on an item: its status, and
	 * its time's timezone and utc_offset; at an instant asked for ({@code ?at=}), where
	 * no clock moves between runs, every field of its time.
	 */
	private record Fingerprint(int status, @Nullable Object time) {

		static Fingerprint of(BatchResult.Item item, boolean exact) {
			TimeObject time = item.time();
			if (time == null) {
				return new Fingerprint(item.status(), null);
			}
			return new Fingerprint(item.status(), exact ? time : List.of(time.timezone(), time.utcOffset()));
		}

	}

}
