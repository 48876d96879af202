package dev.timefan.processes;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.upstream.UpstreamMetrics;
import dev.timefan.upstream.UpstreamProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The supervised pool: spawns the workers before the service takes traffic, dispatches
 * each chunk to the least-loaded live worker, recycles a worker after its quota
 * (replacement first), replaces a dead one with backoff, kills one that hangs, and
 * retires them all on shutdown. One dead worker never poisons the pool.
 */
@Component
class WorkerPool implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(WorkerPool.class);

	private final ProcessesProperties properties;

	private final List<String> command;

	private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

	/**
	 * Workers killed for hanging, so their death counts as a timeout rather than a crash.
	 */
	private final Set<WorkerProcess> killedForTimeout = ConcurrentHashMap.newKeySet();

	private final Set<WorkerProcess> recycling = ConcurrentHashMap.newKeySet();

	private final AtomicInteger nextId = new AtomicInteger();

	private final AtomicInteger failedSpawns = new AtomicInteger();

	private final ScheduledExecutorService supervisor = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("timefan-worker-supervisor").factory());

	private final Map<String, Counter> restarts;

	private final Timer spawns;

	private final IntConsumer onRetries;

	private volatile boolean running;

	WorkerPool(ProcessesProperties properties, FanoutProperties fanout, UpstreamProperties upstream,
			UpstreamMetrics upstreamMetrics, MeterRegistry registry) {
		this.properties = properties;
		// Each worker calls the upstream with a client of its own and a share of the
		// connections.
		List<String> options = new ArrayList<>(properties.jvmOptions());
		options.addAll(upstream.jvmOptions(Math.max(1, upstream.maxConnections() / properties.workerCount())));
		if (Source.requested(fanout.source()) == Source.UPSTREAM) {
			options.add("-D" + WorkerMain.WARM_UPSTREAM_PROPERTY + "=true");
		}
		this.command = WorkerLauncher.command(options, properties.aotCache());
		this.onRetries = (retries) -> upstreamMetrics.retried("worker", retries);
		this.restarts = Map.of("crash", restartCounter(registry, "crash"), "recycle",
				restartCounter(registry, "recycle"), "timeout", restartCounter(registry, "timeout"));
		this.spawns = Timer.builder("timefan.worker.spawn")
			.description("Time from starting a worker JVM to its hello")
			.register(registry);
		Gauge.builder("timefan.workers.alive", this, WorkerPool::alive)
			.description("Worker processes ready to take work")
			.register(registry);
		Gauge.builder("timefan.workers.busy", this, WorkerPool::busy)
			.description("Worker processes with requests in flight")
			.register(registry);
	}

	private static Counter restartCounter(MeterRegistry registry, String cause) {
		return Counter.builder("timefan.worker.restarts")
			.description("Worker processes replaced, by cause")
			.tag("cause", cause)
			.register(registry);
	}

	/**
	 * Spawns every worker and waits for their hellos, so the pool is warm before
	 * readiness is UP.
	 */
	@Override
	public void start() {
		this.running = true;
		int count = this.properties.workerCount();
		try (ExecutorService spawning = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				spawning.execute(this::spawnOrReplaceLater);
			}
		}
		log.info("Started " + alive() + " of " + count + " worker processes: " + this.command);
	}

	private void spawnOrReplaceLater() {
		try {
			spawn();
			this.failedSpawns.set(0);
		}
		catch (IOException ex) {
			log.warn("Could not start a worker process: " + ex.getMessage());
			replaceLater();
		}
	}

	private WorkerProcess spawn() throws IOException {
		long start = System.nanoTime();
		Process process = WorkerLauncher.start(this.command);
		WorkerProcess worker = new WorkerProcess(this.nextId.incrementAndGet(), process, this::ended, this.onRetries);
		try {
			worker.awaitHello(this.properties.spawnTimeout());
		}
		catch (IOException ex) {
			worker.kill("no hello");
			throw ex;
		}
		this.spawns.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		if (!this.running) {
			worker.retire(this.properties.shutdownGrace());
			throw new IOException("the pool is stopping");
		}
		this.workers.add(worker);
		return worker;
	}

	private void ended(WorkerProcess worker, boolean retiring) {
		this.recycling.remove(worker);
		// A worker that never joined (no hello) is replaced by the spawn that failed, not
		// here.
		if (!this.workers.remove(worker) || !this.running || retiring) {
			return;
		}
		String cause = this.killedForTimeout.remove(worker) ? "timeout" : "crash";
		this.restarts.get(cause).increment();
		replaceLater();
	}

	private void replaceLater() {
		if (!this.running) {
			return;
		}
		int failures = this.failedSpawns.getAndIncrement();
		long delay = Math.min(this.properties.maxRestartBackoff().toMillis(),
				this.properties.restartBackoff().toMillis() << Math.min(failures, 20));
		this.supervisor.schedule(this::spawnOrReplaceLater, (failures == 0) ? 0 : delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * Sends a chunk to the least-loaded live worker.
	 * @param zones catalog names
	 * @param source the source
	 * @param at the instant to answer for
	 * @param timeout the time the worker has
	 * @param clientIp the caller's address
	 * @param avoid a worker not to use (one that just failed this chunk), when another is
	 * alive
	 * @return the dispatch, or null when no worker is alive
	 */
	@Nullable Dispatch dispatch(List<String> zones, Source source, Instant at, Duration timeout, String clientIp,
			@Nullable WorkerProcess avoid) {
		WorkerProcess worker = leastLoaded(avoid);
		if (worker == null) {
			return null;
		}
		CompletableFuture<List<Outcome>> answer = worker.send(zones, source, at, timeout, clientIp);
		if (worker.served() >= this.properties.maxRequestsPerWorker() && this.recycling.add(worker)) {
			this.supervisor.execute(() -> recycle(worker));
		}
		return new Dispatch(worker, answer);
	}

	private @Nullable WorkerProcess leastLoaded(@Nullable WorkerProcess avoid) {
		// Ties (idle workers) go to the one that has served least, so sequential requests
		// spread.
		Comparator<WorkerProcess> load = Comparator.comparingInt(WorkerProcess::inflightItems)
			.thenComparingLong(WorkerProcess::served);
		WorkerProcess best = this.workers.stream()
			.filter(WorkerProcess::isReady)
			.filter((worker) -> worker != avoid)
			.min(load)
			.orElse(null);
		return (best != null || avoid == null || !avoid.isReady()) ? best : avoid;
	}

	/**
	 * Replaces a worker that served its quota: the replacement first, then the old one
	 * retires.
	 */
	private void recycle(WorkerProcess worker) {
		try {
			spawn();
			this.failedSpawns.set(0);
		}
		catch (IOException ex) {
			log.warn("Could not spawn the replacement of worker " + worker.id() + ": " + ex.getMessage());
			this.recycling.remove(worker);
			return;
		}
		this.restarts.get("recycle").increment();
		worker.retire(this.properties.shutdownGrace());
	}

	/** Kills a worker that did not answer by the deadline; the pool replaces it. */
	void killHung(WorkerProcess worker) {
		if (worker.state() != WorkerProcess.State.DEAD && this.killedForTimeout.add(worker)) {
			log.warn("Worker " + worker.id() + " (pid " + worker.pid() + ") missed a deadline; killing it");
			worker.kill("missed a deadline");
		}
	}

	int alive() {
		return (int) this.workers.stream().filter(WorkerProcess::isReady).count();
	}

	int busy() {
		return (int) this.workers.stream().filter((worker) -> worker.inflightItems() > 0).count();
	}

	List<WorkerProcess> workers() {
		return List.copyOf(this.workers);
	}

	/** Retires every worker: stdin closed, a bounded wait, then forcible destruction. */
	@Override
	public void stop() {
		this.running = false;
		this.supervisor.shutdownNow();
		Duration grace = this.properties.shutdownGrace();
		CompletableFuture<?>[] retired = this.workers.stream()
			.map((worker) -> worker.retire(grace))
			.toArray(CompletableFuture[]::new);
		CompletableFuture.allOf(retired).join();
		this.workers.clear();
		log.info("Stopped " + retired.length + " worker processes");
	}

	/**
	 * Starts before the web server takes requests and stops after it has drained them.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A chunk on its way.
	 *
	 * @param worker the worker it went to
	 * @param answer its outcomes
	 */
	record Dispatch(WorkerProcess worker, CompletableFuture<List<Outcome>> answer) {
	}

}
