package dev.timefan.fanout;

import java.time.Instant;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The fan-out endpoints of a strategy whose engine answers before the request thread
 * returns: threads, virtual, processes, and the default route.
 * <p>
 * Each answers its body alone and sets {@code Server-Timing} and {@code Timefan-Source}
 * on the response itself, rather than in a {@code ResponseEntity}: Spring MVC flushes a
 * {@code ResponseEntity}'s response once its body is written, which commits it before its
 * length is known, so a time object of 360 bytes went out chunked, in two writes. A body
 * alone is written once, with its {@code Content-Length}.
 */
public abstract class BlockingFanoutController extends FanoutController<Object, BatchResult> {

	private final FanoutService service;

	private final FanoutEngine engine;

	protected BlockingFanoutController(FanoutService service, FanoutEngine engine, JsonMapper mapper,
			FanoutProperties properties) {
		super(mapper, properties);
		this.service = service;
		this.engine = engine;
	}

	@Override
	protected Object single(String name, @Nullable String source, @Nullable Instant at, String clientIp) {
		FanoutService.Single single = this.service.single(this.engine, name, source, at, clientIp);
		headers(single.source(), single.elapsedMs());
		return single.time();
	}

	@Override
	protected Object pathBatch(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp) {
		return batch(names, source, at, clientIp);
	}

	@Override
	protected BatchResult batch(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp) {
		BatchResult result = this.service.batch(this.engine, names, source, at, clientIp);
		headers(result.source(), result.elapsedMs());
		return result;
	}

	/**
	 * Sets an answer's {@code Server-Timing} and {@code Timefan-Source} on the response
	 * of the request this thread serves.
	 */
	private static void headers(Source source, double elapsedMs) {
		HttpServletResponse response = ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes())
			.getResponse();
		if (response == null) {
			throw new IllegalStateException("no response bound to the request's thread");
		}
		response.setHeader(FanoutService.SERVER_TIMING, FanoutService.serverTiming(elapsedMs));
		response.setHeader(FanoutService.SOURCE, source.wireName());
	}

}
