package dev.timefan.threads;

import dev.timefan.fanout.FanoutEngine;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * Builds the real {@code threads} engine outside Spring, with the properties as the
 * application binds them (the {@code @DefaultValue}s, or {@code -Dtimefan.threads.*}).
 */
public final class ThreadsBenchEngine {

	private ThreadsBenchEngine() {
	}

	/**
	 * The engine; destroy it when done.
	 * @param registry where its executor metrics go
	 * @return the engine
	 */
	public static FanoutEngine create(MeterRegistry registry) {
		ThreadsProperties properties = Binder.get(new StandardEnvironment())
			.bindOrCreate("timefan.threads", ThreadsProperties.class);
		return new ThreadPoolEngine(properties, registry);
	}

}
