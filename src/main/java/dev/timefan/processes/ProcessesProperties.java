package dev.timefan.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.timefan.fanout.Capacity;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker processes of the {@code processes} strategy.
 *
 * @param workers how many worker JVMs to keep alive; 0 means one per available processor
 * @param maxRequestsPerWorker requests a worker serves before it is recycled (its
 * replacement is spawned first)
 * @param spawnTimeout how long a new worker may take to say hello before it is killed
 * @param shutdownGrace how long a retiring worker may take to finish its requests and
 * exit before it is destroyed
 * @param restartBackoff the delay before replacing a dead worker, doubled after every
 * failed spawn
 * @param maxRestartBackoff the longest delay between attempts to replace a dead worker
 * @param jvmOptions the options of each worker JVM: lean by default (a small heap with a
 * small young generation, serial GC, the C1 compiler only, and 2 KiB instead of 16 KiB
 * buffers in the JDK's HTTP client, which keeps one per upstream connection)
 * @param aotCache an AOT cache (JDK 25's {@code -XX:AOTCache}) each worker JVM starts
 * from, trained with the same options and class path; the container image makes one at
 * build time. A cache that cannot be used is logged and ignored. When set, nothing is
 * made in {@code cache-dir}.
 * @param cacheDir where what makes workers start fast is kept across worker starts and
 * service runs: the executable jar's libraries extracted (workers then start without
 * {@code PropertiesLauncher}), class directories packed as jars, and the AOT caches
 * trained for them; {@code timefan-workers-<user>} in {@code java.io.tmpdir} when unset.
 * It must be this user's alone: one that is not, or cannot be made, leaves the workers on
 * the service's class path, without a cache
 * @param trainAotCache whether, with no {@code aot-cache} set, an AOT cache for the
 * workers is trained in {@code cache-dir}: once per class path, JDK and JVM options, by a
 * worker JVM of its own after the pool has started; the workers spawned once it is there,
 * and those of later runs, start from it
 * @param maxBatches the requests in flight at once; past it a request is shed whole with
 * 503 and Retry-After. Each holds a Tomcat thread while it waits for its chunks.
 * @param maxItems the zones in flight at once, across the workers; past it a request is
 * shed whole with 503 and Retry-After
 */
@ConfigurationProperties("timefan.processes")
record ProcessesProperties(@DefaultValue("0") int workers, @DefaultValue("10000") long maxRequestsPerWorker,
		@DefaultValue("10s") Duration spawnTimeout, @DefaultValue("5s") Duration shutdownGrace,
		@DefaultValue("100ms") Duration restartBackoff, @DefaultValue("10s") Duration maxRestartBackoff,
		@DefaultValue( {
				"-Xmx48m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
				"-Djdk.httpclient.bufsize=2048" }) List<String> jvmOptions,
		@Nullable Path aotCache, @Nullable Path cacheDir, @DefaultValue("true") boolean trainAotCache,
		@DefaultValue("32") int maxBatches, @DefaultValue("16000") int maxItems){

	ProcessesProperties {
		jvmOptions = List.copyOf(jvmOptions);
	}

	Capacity capacity() {
		return Capacity.of("timefan.processes", this.maxBatches, this.maxItems);
	}

	/**
	 * The cache directory: {@code cache-dir}, or {@code timefan-workers-<user>} in
	 * {@code java.io.tmpdir}.
	 * @return the directory
	 */
	Path cacheDirectory() {
		if (this.cacheDir != null) {
			return this.cacheDir;
		}
		String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
		return Path.of(System.getProperty("java.io.tmpdir"), "timefan-workers-" + (user.isEmpty() ? "_" : user));
	}

	int workerCount() {
		return (this.workers > 0) ? this.workers : Runtime.getRuntime().availableProcessors();
	}

}
