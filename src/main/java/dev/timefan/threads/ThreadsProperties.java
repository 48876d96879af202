package dev.timefan.threads;

import dev.timefan.fanout.Capacity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform-thread pool of the {@code threads} strategy.
 *
 * @param poolSize the most threads of the pool; lookups of local zones take microseconds,
 * upstream ones hold a thread for a whole HTTP call, so this bounds the upstream calls in
 * flight: the default sends a 1,000-zone batch in four rounds. A thread idle for a minute
 * ends, so an idle pool holds none
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. Each holds a Tomcat thread while it waits for its items.
 * @param maxItems the zones in flight at once, waiting for a thread or running; past it a
 * request is shed whole with 503 and Retry-After
 */
@ConfigurationProperties("timefan.threads")
record ThreadsProperties(@DefaultValue("256") int poolSize, @DefaultValue("32") int maxBatches,
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
