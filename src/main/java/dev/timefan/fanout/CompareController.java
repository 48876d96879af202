package dev.timefan.fanout;

import java.io.InputStream;
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
	@GetMapping("/time")
	CompareResult compare(@RequestParam(required = false) @Nullable List<String> zones,
			@RequestParam(required = false) @Nullable String source, HttpServletRequest request) {
		return compare(ZoneNames.fromQuery((zones != null) ? zones : List.of()), source, request.getRemoteAddr());
	}

	@Operation(summary = "Run a JSON array of zone names through every strategy",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							array = @ArraySchema(schema = @Schema(type = "string")))))
	@ApiResponse(responseCode = "200", description = "One run per strategy",
			content = @Content(schema = @Schema(implementation = CompareResult.class)))
	@PostMapping(path = "/time", consumes = MediaType.APPLICATION_JSON_VALUE)
	CompareResult compareBody(@Parameter(hidden = true) InputStream body,
			@RequestParam(required = false) @Nullable String source, HttpServletRequest request) {
		return compare(ZoneNames.fromBody(body, request.getContentLengthLong(), this.maxBodyBytes, this.mapper), source,
				request.getRemoteAddr());
	}

	private CompareResult compare(List<String> names, @Nullable String source, String clientIp) {
		Source requested = this.service.source(source);
		List<FanoutEngine> engines = this.engines.all();
		this.service.takeItems(names, source, clientIp, engines.size());
		List<CompareResult.Run> runs = new ArrayList<>();
		List<List<Fingerprint>> answers = new ArrayList<>();
		for (FanoutEngine engine : engines) {
			try {
				BatchResult result = this.service.batchWithoutSuggestions(engine, names, source, clientIp);
				runs.add(new CompareResult.Run(engine.strategy(), result.elapsedMs(), result.succeeded(),
						result.failed(), statuses(result)));
				answers.add(result.results().stream().map(Fingerprint::of).toList());
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
				answers.add(names.stream().map((name) -> new Fingerprint(503, null, null)).toList());
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

	/** What must be equal across strategies for them to agree on an item. */
	private record Fingerprint(int status, @Nullable String timezone, @Nullable String utcOffset) {

		static Fingerprint of(BatchResult.Item item) {
			return (item.time() != null)
					? new Fingerprint(item.status(), item.time().timezone(), item.time().utcOffset())
					: new Fingerprint(item.status(), null, null);
		}

	}

}
