package dev.timefan.fanout;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What each fault gives, and the headers of every answer ({@code Server-Timing},
 * {@code Timefan-Source}), in the OpenAPI description of every fan-out and compare
 * operation: written once here rather than on each of their mappings.
 */
@Configuration(proxyBeanMethods = false)
class FanoutOpenApiConfiguration {

	/** The answers every fan-out operation may give besides its own. */
	private static final Map<String, String> FAULTS = Map.of("414",
			"The request line is too long (a GET batch of very long names): POST the names as a JSON array", "431",
			"The request's headers are too large", "429",
			"This client is over its rate limit (timefan.rate-limit, off by default): requests or zones per second; "
					+ "retry after Retry-After seconds",
			"503",
			"Shed whole: the strategy is at capacity (timefan.<strategy>.max-batches, max-items) and took none "
					+ "of the request; retry after Retry-After seconds, derived from how fast it drains. Also when "
					+ "no worker process could be started for any item (processes)");

	/** The answers that tell the caller when to come back. */
	private static final List<String> RETRY_AFTER = List.of("429", "503");

	/** The answers of a single lookup, whose one item's status becomes the response's. */
	private static final Map<String, String> SINGLE_FAULTS = Map.of("502",
			"The upstream failed the lookup, or its circuit breaker is open, and timefan.upstream.fallback is "
					+ "false (a fallback answers 200 with Timefan-Source: fallback)",
			"504", "The lookup missed the batch deadline (timefan.batch.timeout)", "500",
			"The lookup failed unexpectedly: the detail carries a correlation id, logged with the cause");

	private static final String SOURCE_HEADER_DOC = "Where the answer came from. A single lookup: local, upstream, "
			+ "or fallback (the upstream failed and the local tz database answered; the body is the same "
			+ "15-key time object). A batch: the source asked for; each item says its own.";

	@Bean
	OpenApiCustomizer fanoutFaultResponses() {
		return (openApi) -> openApi.getPaths().forEach((path, item) -> {
			if (path.startsWith("/api/")) {
				// worldtimeapi.org answered its fair-use limit with 429 too.
				item.readOperations()
					.forEach((operation) -> add(operation.getResponses(), Map.of("429", FAULTS.get("429"))));
				return;
			}
			if (!path.endsWith("/time") && !path.contains("/time/")) {
				return;
			}
			boolean single = path.contains("{");
			for (Operation operation : item.readOperations()) {
				add(operation.getResponses(), FAULTS);
				if (single) {
					add(operation.getResponses(), SINGLE_FAULTS);
				}
				ApiResponse ok = operation.getResponses().get("200");
				if (ok != null && !path.startsWith("/compare")) {
					ok.addHeaderObject(FanoutService.SERVER_TIMING,
							new Header().description("How long the fan-out took, in milliseconds")
								.schema(new StringSchema().example("fanout;dur=0.42")));
					ok.addHeaderObject(FanoutService.SOURCE, new Header().description(SOURCE_HEADER_DOC)
						.schema(new StringSchema()
							._enum(single ? List.of("local", "upstream", "fallback") : List.of("local", "upstream"))));
				}
			}
		});
	}

	private static void add(ApiResponses responses, Map<String, String> faults) {
		faults.forEach((status, description) -> {
			ApiResponse response = new ApiResponse().description(description)
				.content(new Content().addMediaType("application/problem+json",
						new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
			if (RETRY_AFTER.contains(status)) {
				response.addHeaderObject("Retry-After",
						new Header().description("Whole seconds to wait before sending the request again")
							.schema(new IntegerSchema().example(1)));
			}
			responses.putIfAbsent(status, response);
		});
	}

}
