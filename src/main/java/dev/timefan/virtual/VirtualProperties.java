package dev.timefan.virtual;

import dev.timefan.fanout.Capacity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The virtual threads of the {@code virtual} strategy.
 *
 * @param concurrency the most tasks (an upstream item, or a slice of local zones) running
 * at once, across all requests; further ones wait for a permit (within the batch
 * deadline)
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. Each holds a Tomcat thread while it waits for its items.
 * @param maxItems the zones in flight at once, waiting for a permit or running; past it a
 * request is shed whole with 503 and Retry-After
 */
@ConfigurationProperties("timefan.virtual")
record VirtualProperties(@DefaultValue("1000") int concurrency, @DefaultValue("32") int maxBatches,
		@DefaultValue("16000") int maxItems) {

	VirtualProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("timefan.virtual.concurrency must be at least 1, not " + concurrency);
		}
	}

	Capacity capacity() {
		return Capacity.of("timefan.virtual", this.maxBatches, this.maxItems);
	}

}
