package dev.timefan.fanout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How requests are fanned out.
 *
 * @param defaultStrategy the strategy behind the {@code /time/...} routes: threads,
 * virtual, processes or reactive
 * @param source the source used when a request names none: local or upstream
 * @param batch limits of one batch
 */
@ConfigurationProperties("timefan")
public record FanoutProperties(@DefaultValue("threads") String defaultStrategy, @DefaultValue("local") String source,
		@DefaultValue Batch batch) {

	/**
	 * Limits of one batch.
	 *
	 * @param maxSize the most zones one request may ask for
	 * @param timeout how long a batch may take; items unfinished by then come back 504
	 * and their work is cancelled
	 * @param maxBodySize the largest POST body accepted
	 */
	public record Batch(@DefaultValue("1000") int maxSize, @DefaultValue("10s") Duration timeout,
			@DefaultValue("256KB") DataSize maxBodySize) {

	}

}
