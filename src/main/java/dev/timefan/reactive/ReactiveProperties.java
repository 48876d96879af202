package dev.timefan.reactive;

import dev.timefan.fanout.Capacity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code reactive} strategy.
 *
 * @param concurrency the upstream calls one batch has in flight at once; the rest wait
 * their turn, in order
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. A reactive request holds no thread while it waits.
 * @param maxItems the zones in flight at once; past it a request is shed whole with 503
 * and Retry-After
 */
@ConfigurationProperties("timefan.reactive")
record ReactiveProperties(@DefaultValue("256") int concurrency, @DefaultValue("64") int maxBatches,
		@DefaultValue("16000") int maxItems) {

	ReactiveProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("timefan.reactive.concurrency must be at least 1, not " + concurrency);
		}
	}

	Capacity capacity() {
		return Capacity.of("timefan.reactive", this.maxBatches, this.maxItems);
	}

}
