package dev.timefan.fanout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Every strategy's engine by name, in the order of their {@code @Order}.
 */
@Component
public class FanoutEngines {

	private final Map<String, FanoutEngine> byName = new LinkedHashMap<>();

	FanoutEngines(List<FanoutEngine> engines) {
		engines.forEach((engine) -> this.byName.put(engine.strategy(), engine));
	}

	/**
	 * The engine of a strategy.
	 * @param strategy the strategy's name
	 * @return its engine
	 * @throws IllegalArgumentException when there is no such strategy
	 */
	public FanoutEngine get(String strategy) {
		FanoutEngine engine = this.byName.get(strategy);
		if (engine == null) {
			throw new IllegalArgumentException(
					"unknown strategy '" + strategy + "': expected one of " + String.join(", ", this.byName.keySet()));
		}
		return engine;
	}

	/**
	 * Every engine, in order.
	 * @return the engines
	 */
	public List<FanoutEngine> all() {
		return List.copyOf(this.byName.values());
	}

}
