package dev.timefan.fanout;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;

/**
 * The fan-out endpoints of a strategy whose engine answers before the request thread
 * returns: threads, virtual, processes, and the default route.
 */
public abstract class BlockingFanoutController
		extends FanoutController<ResponseEntity<Object>, ResponseEntity<BatchResult>> {

	private final FanoutService service;

	private final FanoutEngine engine;

	protected BlockingFanoutController(FanoutService service, FanoutEngine engine, JsonMapper mapper,
			FanoutProperties properties) {
		super(mapper, properties);
		this.service = service;
		this.engine = engine;
	}

	@Override
	protected ResponseEntity<Object> single(String name, @Nullable String source, String clientIp) {
		return answer(this.service.single(this.engine, name, source, clientIp));
	}

	@Override
	protected ResponseEntity<Object> pathBatch(List<String> names, @Nullable String source, String clientIp) {
		BatchResult result = this.service.batch(this.engine, names, source, clientIp);
		return answer(result, result.source(), result.elapsedMs());
	}

	@Override
	protected ResponseEntity<BatchResult> batch(List<String> names, @Nullable String source, String clientIp) {
		BatchResult result = this.service.batch(this.engine, names, source, clientIp);
		return answer(result, result.source(), result.elapsedMs());
	}

}
