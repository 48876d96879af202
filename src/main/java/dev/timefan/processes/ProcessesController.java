package dev.timefan.processes;

import dev.timefan.fanout.BlockingFanoutController;
import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.FanoutService;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /processes/time/...}: the fan-out endpoints through the pool of worker
 * processes.
 */
@RestController
@RequestMapping("/" + ProcessPoolEngine.STRATEGY)
@Tag(name = ProcessPoolEngine.STRATEGY, description = "Fan-out over a supervised pool of child JVMs")
class ProcessesController extends BlockingFanoutController {

	ProcessesController(FanoutService service, ProcessPoolEngine engine, JsonMapper mapper,
			FanoutProperties properties) {
		super(service, engine, mapper, properties);
	}

}
