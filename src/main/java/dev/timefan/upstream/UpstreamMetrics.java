package dev.timefan.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code timefan.upstream.retries}: the calls made again after a retryable failure, by
 * client ({@code restclient} for threads and virtual, {@code webclient} for reactive,
 * {@code worker} for worker processes, which report theirs with each answer).
 */
public final class UpstreamMetrics {

	private final MeterRegistry registry;

	UpstreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Counts retries.
	 * @param client the client that made them
	 * @param retries how many
	 */
	public void retried(String client, int retries) {
		Counter.builder("timefan.upstream.retries")
			.description("Upstream calls made again after a connect error, timeout, 5xx or 429")
			.baseUnit("calls")
			.tag("client", client)
			.register(this.registry)
			.increment(retries);
	}

}
