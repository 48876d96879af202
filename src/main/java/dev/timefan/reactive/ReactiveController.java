package dev.timefan.reactive;

import java.time.Instant;
import java.util.List;

import dev.timefan.fanout.BatchResult;
import dev.timefan.fanout.FanoutController;
import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.FanoutService;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /reactive/time/...}: the fan-out endpoints through Reactor. Each answer is a
 * {@code Mono}: the request's thread is released at once and the answer written when the
 * batch completes. Bad requests are refused before any {@code Mono} is made, as in every
 * strategy.
 */
@RestController
@RequestMapping("/" + ReactiveEngine.STRATEGY)
@Tag(name = ReactiveEngine.STRATEGY, description = "Fan-out with Reactor: non-blocking WebClient calls upstream")
class ReactiveController extends FanoutController<Mono<ResponseEntity<Object>>, Mono<ResponseEntity<BatchResult>>> {

	private final FanoutService service;

	private final ReactiveEngine engine;

	ReactiveController(FanoutService service, ReactiveEngine engine, JsonMapper mapper, FanoutProperties properties) {
		super(mapper, properties);
		this.service = service;
		this.engine = engine;
	}

	@Override
	protected Mono<ResponseEntity<Object>> single(String name, @Nullable String source, @Nullable Instant at,
			String clientIp) {
		return Mono.fromFuture(this.service.singleAsync(this.engine, name, source, at, clientIp))
			.map(FanoutController::answer);
	}

	@Override
	protected Mono<ResponseEntity<Object>> pathBatch(List<String> names, @Nullable String source, @Nullable Instant at,
			String clientIp) {
		return Mono.fromFuture(this.service.batchAsync(this.engine, names, source, at, clientIp))
			.map((result) -> FanoutController.<Object>answer(result, result.source(), result.elapsedMs()));
	}

	@Override
	protected Mono<ResponseEntity<BatchResult>> batch(List<String> names, @Nullable String source, @Nullable Instant at,
			String clientIp) {
		return Mono.fromFuture(this.service.batchAsync(this.engine, names, source, at, clientIp))
			.map((result) -> answer(result, result.source(), result.elapsedMs()));
	}

}
