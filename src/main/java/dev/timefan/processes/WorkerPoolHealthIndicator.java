package dev.timefan.processes;

import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code workerPool} health: DOWN when no worker process is alive, with each worker's
 * pid, state, in-flight items and requests served, and why workers cannot be started when
 * they cannot (details for authorized callers only).
 */
@Component
class WorkerPoolHealthIndicator implements HealthIndicator {

	private final WorkerPool pool;

	WorkerPoolHealthIndicator(WorkerPool pool) {
		this.pool = pool;
	}

	@Override
	public Health health() {
		Map<String, Object> workers = this.pool.workers()
			.stream()
			.collect(Collectors.toMap((worker) -> "worker-" + worker.id(),
					(worker) -> Map.of("pid", worker.pid(), "state",
							worker.state().name().toLowerCase(java.util.Locale.ROOT), "inflight",
							worker.inflightItems(), "served", worker.served())));
		Health.Builder health = (this.pool.alive() > 0) ? Health.up() : Health.down();
		String unspawnable = this.pool.unspawnable();
		if (unspawnable != null) {
			health.withDetail("error", "no worker process could be started: " + unspawnable);
		}
		return health.withDetail("alive", this.pool.alive()).withDetail("workers", workers).build();
	}

}
