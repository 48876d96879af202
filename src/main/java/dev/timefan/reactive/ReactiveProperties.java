package dev.timefan.reactive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code reactive} strategy.
 *
 * @param concurrency the upstream calls one batch has in flight at once; the rest wait
 * their turn, in order
 */
@ConfigurationProperties("timefan.reactive")
record ReactiveProperties(@DefaultValue("256") int concurrency) {

	ReactiveProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("timefan.reactive.concurrency must be at least 1, not " + concurrency);
		}
	}

}
