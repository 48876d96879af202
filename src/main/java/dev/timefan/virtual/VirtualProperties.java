package dev.timefan.virtual;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The virtual threads of the {@code virtual} strategy.
 *
 * @param concurrency the most items running at once, across all requests; further items
 * wait for a permit (within the batch deadline)
 */
@ConfigurationProperties("timefan.virtual")
record VirtualProperties(@DefaultValue("1000") int concurrency) {

}
