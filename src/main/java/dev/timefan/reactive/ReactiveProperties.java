package dev.timefan.reactive;

import dev.timefan.fanout.Capacity;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code reactive} strategy.
 *
 * @param concurrency the upstream calls one batch has in flight at once, the rest waiting
 * their turn in order; unset (the default), the whole batch leaves at once, bounded only
 * by the upstream's adaptive concurrency limit
 * ({@code timefan.upstream.concurrency-limit})
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. A reactive request holds no thread while it waits.
 * @param maxItems the zones in flight at once; past it a request is shed whole with 503
 * and Retry-After
 */
@ConfigurationProperties("timefan.reactive")
record ReactiveProperties(@Nullable Integer concurrency, @DefaultValue("64") int maxBatches,
		@DefaultValue("16000") int maxItems) {

	ReactiveProperties {
		if (concurrency != null && concurrency < 1) {
			throw new IllegalArgumentException("timefan.reactive.concurrency must be at least 1, not " + concurrency);
		}
	}

	Capacity capacity() {
		return Capacity.of("timefan.reactive", this.maxBatches, this.maxItems);
	}

}
