package dev.timefan.virtual;

import dev.timefan.fanout.BlockingFanoutController;
import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.FanoutService;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /virtual/time/...}: the fan-out endpoints through virtual threads, one per item.
 */
@RestController
@RequestMapping("/" + VirtualThreadEngine.STRATEGY)
@Tag(name = VirtualThreadEngine.STRATEGY, description = "Fan-out with a virtual thread per item, concurrency bounded")
class VirtualController extends BlockingFanoutController {

	VirtualController(FanoutService service, VirtualThreadEngine engine, JsonMapper mapper,
			FanoutProperties properties) {
		super(service, engine, mapper, properties);
	}

}
