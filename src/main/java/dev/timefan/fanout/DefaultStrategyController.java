package dev.timefan.fanout;

import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /time/...} and {@code POST /time}: the fan-out endpoints through
 * {@code timefan.default-strategy}.
 */
@RestController
@Tag(name = "default", description = "The fan-out endpoints through timefan.default-strategy (default threads)")
class DefaultStrategyController extends BlockingFanoutController {

	DefaultStrategyController(FanoutService service, FanoutEngines engines, JsonMapper mapper,
			FanoutProperties properties) {
		super(service, defaultEngine(engines, properties), mapper, properties);
	}

	private static FanoutEngine defaultEngine(FanoutEngines engines, FanoutProperties properties) {
		try {
			return engines.get(properties.defaultStrategy());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("timefan.default-strategy: " + ex.getMessage(), ex);
		}
	}

}
