package dev.timefan.threads;

import dev.timefan.fanout.Capacity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform-thread pool of the {@code threads} strategy.
 *
 * @param poolSize the threads of the pool; lookups of local zones take microseconds,
 * upstream ones hold a thread for a whole HTTP call, so this bounds concurrent upstream
 * calls
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. Each holds a Tomcat thread while it waits for its items.
 * @param maxItems the zones in flight at once, waiting for a thread or running; past it a
 * request is shed whole with 503 and Retry-After
 */
@ConfigurationProperties("timefan.threads")
record ThreadsProperties(@DefaultValue("64") int poolSize, @DefaultValue("32") int maxBatches,
		@DefaultValue("16000") int maxItems) {

	ThreadsProperties {
		if (poolSize < 1) {
			throw new IllegalArgumentException("timefan.threads.pool-size must be at least 1, not " + poolSize);
		}
	}

	Capacity capacity() {
		return Capacity.of("timefan.threads", this.maxBatches, this.maxItems);
	}

}
