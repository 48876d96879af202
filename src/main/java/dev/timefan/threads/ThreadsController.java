package dev.timefan.threads;

import dev.timefan.fanout.BlockingFanoutController;
import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.FanoutService;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /threads/time/...}: the fan-out endpoints through the platform-thread pool.
 */
@RestController
@RequestMapping("/" + ThreadPoolEngine.STRATEGY)
@Tag(name = ThreadPoolEngine.STRATEGY, description = "Fan-out over a bounded platform-thread pool")
class ThreadsController extends BlockingFanoutController {

	ThreadsController(FanoutService service, ThreadPoolEngine engine, JsonMapper mapper, FanoutProperties properties) {
		super(service, engine, mapper, properties);
	}

}
