package dev.timefan.threads;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform-thread pool of the {@code threads} strategy.
 *
 * @param poolSize the threads of the pool; lookups of local zones take microseconds,
 * upstream ones hold a thread for a whole HTTP call, so this bounds concurrent upstream
 * calls
 * @param queueCapacity the items that may wait for a thread; past it items are rejected
 * with 503
 */
@ConfigurationProperties("timefan.threads")
record ThreadsProperties(@DefaultValue("64") int poolSize, @DefaultValue("4000") int queueCapacity) {

}
