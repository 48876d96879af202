package dev.timefan.virtual;

import dev.timefan.fanout.FanoutEngine;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * Builds the real {@code virtual} engine outside Spring, with the properties as the
 * application binds them (the {@code @DefaultValue}s, or {@code -Dtimefan.virtual.*}).
 */
public final class VirtualBenchEngine {

	private VirtualBenchEngine() {
	}

	/**
	 * The engine; destroy it when done.
	 * @return the engine
	 */
	public static FanoutEngine create() {
		VirtualProperties properties = Binder.get(new StandardEnvironment())
			.bindOrCreate("timefan.virtual", VirtualProperties.class);
		return new VirtualThreadEngine(properties);
	}

}
