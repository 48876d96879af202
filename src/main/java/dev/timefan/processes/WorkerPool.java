package dev.timefan.processes;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import dev.timefan.upstream.UpstreamBreaker;
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
 * (replacement first), replaces a dead one at once and in parallel (backing off only when
 * spawns keep failing), kills one that hangs, and retires them all on shutdown. While no
 * worker is alive, work waits for the next one's hello ({@link #nextReady()}); it fails
 * only when workers cannot be started at all. The pool never breaks.
 */
@Component
class WorkerPool implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(WorkerPool.class);

	private final ProcessesProperties properties;

	private final List<String> options;

	/**
	 * The options of a worker that makes its upstream client before its hello: the first
	 * upstream request of a recycled worker's replacement once took the whole batch
	 * deadline making it.
	 */
	private final List<String> warmOptions;

	/** The workers' class path and AOT cache. */
	private final WorkerCache cache;

	/** Whether the service has used the upstream: new workers then start warm. */
	private volatile boolean upstreamInUse;

	private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

	/**
	 * Workers killed for hanging, so their death counts as a timeout rather than a crash.
	 */
	private final Set<WorkerProcess> killedForTimeout = ConcurrentHashMap.newKeySet();

	private final Set<WorkerProcess> recycling = ConcurrentHashMap.newKeySet();

	/** Workers spawned that have not said hello yet. */
	private final Set<WorkerProcess> starting = ConcurrentHashMap.newKeySet();

	private final AtomicInteger nextId = new AtomicInteger();

	private final AtomicInteger failedSpawns = new AtomicInteger();

	/** Work waiting for a worker to be ready. */
	private final Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();

	/**
	 * Why the last spawn failed, when it failed in a way that will not mend by itself (no
	 * JVM, a JVM that exits on its own, no hello in time); null after a success.
	 */
	private volatile @Nullable String unspawnable;

	/** Spawns in a row that failed in a way that lasts; guarded by this. */
	private int lastingFailures;

	private final ScheduledExecutorService supervisor = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("timefan-worker-supervisor").factory());

	private final Map<String, Counter> restarts;

	private final Timer spawns;

	private final IntConsumer onRetries;

	private final UpstreamBreaker breaker;

	/**
	 * Held while the breaker's state is read and told, so that no worker keeps a stale
	 * one.
	 */
	private final Object breakerTelling = new Object();

	private volatile boolean running;

	WorkerPool(ProcessesProperties properties, FanoutProperties fanout, UpstreamProperties upstream,
			UpstreamMetrics upstreamMetrics, UpstreamBreaker breaker, MeterRegistry registry) {
		this.properties = properties;
		this.breaker = breaker;
		// Told off the thread that changed the state, which may be an event loop: writing
		// to a worker's stdin may block.
		breaker.onStateChange(
				() -> Thread.ofVirtual().name("timefan-worker-breaker").start(this::tellEveryWorkerTheBreakerState));
		// Each worker calls the upstream with a client of its own and a share of the
		// connections.
		List<String> options = new ArrayList<>(properties.jvmOptions());
		options.addAll(upstream.jvmOptions(properties.workerCount()));
		this.options = List.copyOf(options);
		options.add("-D" + WorkerMain.WARM_UPSTREAM_PROPERTY + "=true");
		this.warmOptions = List.copyOf(options);
		this.cache = WorkerCache.prepare(properties, this.options);
		this.upstreamInUse = Source.requested(fanout.source()) == Source.UPSTREAM;
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
		log.info("Started " + alive() + " of " + count + " worker processes: " + command());
		// After the first spawns, which readiness waits for: the cache serves the next.
		this.cache.train(this.options, this.warmOptions);
	}

	/** The command of the next worker: warm once the upstream is in use. */
	private List<String> command() {
		boolean warm = this.upstreamInUse;
		return WorkerLauncher.command(warm ? this.warmOptions : this.options, this.cache.classPath(),
				this.cache.aotCache(warm));
	}

	private void spawnOrReplaceLater() {
		try {
			spawn();
		}
		catch (SpawnFailure ex) {
			if (!this.running) {
				return;
			}
			log.warn("Could not start a worker process: " + ex.getMessage()
					+ ((ex.getCause() != null) ? " (" + ex.getCause().getMessage() + ")" : ""));
			spawnFailed(ex);
			replace(true);
		}
	}

	/**
	 * Says that the service uses the upstream: every worker spawned from now on makes its
	 * upstream client before its hello.
	 */
	void upstreamInUse() {
		this.upstreamInUse = true;
	}

	private WorkerProcess spawn() throws SpawnFailure {
		long start = System.nanoTime();
		Process process;
		try {
			process = WorkerLauncher.start(command());
		}
		catch (IOException ex) {
			throw new SpawnFailure("the worker JVM could not be launched", true, ex);
		}
		WorkerProcess worker = new WorkerProcess(this.nextId.incrementAndGet(), process, this::ended, this.onRetries,
				this.breaker);
		this.starting.add(worker);
		try {
			worker.awaitHello(this.properties.spawnTimeout());
		}
		catch (IOException ex) {
			throw noHello(worker, ex);
		}
		finally {
			this.starting.remove(worker);
		}
		this.spawns.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		this.workers.add(worker);
		tellTheBreakerState(worker);
		if (!this.running && this.workers.remove(worker)) {
			worker.retire(this.properties.shutdownGrace());
			throw new SpawnFailure("the pool is stopping", false, null);
		}
		// A worker killed between its hello and joining was not replaced by ended(): the
		// caller replaces it.
		if (!worker.isReady() && this.workers.remove(worker)) {
			this.restarts.get("crash").increment();
			throw new SpawnFailure("worker " + worker.id() + " ended right after its hello", false, null);
		}
		spawned();
		wakeWaiting();
		return worker;
	}

	/**
	 * Why a worker gave no hello, counted: killed from outside (a signal, the OOM killer)
	 * it crashed, and the next spawn may well work; a JVM that exits by itself or never
	 * says hello will do so again.
	 */
	private SpawnFailure noHello(WorkerProcess worker, IOException ex) {
		if (worker.state() != WorkerProcess.State.DEAD) {
			worker.kill("no hello");
			countUnlessStopping("timeout");
			return new SpawnFailure("no hello within " + this.properties.spawnTimeout().toMillis() + " ms", true, ex);
		}
		if (worker.killedFromOutside()) {
			countUnlessStopping("crash");
			return new SpawnFailure("worker " + worker.id() + " was killed before its hello", false, ex);
		}
		return new SpawnFailure("the worker JVM exited before its hello", true, ex);
	}

	private void countUnlessStopping(String cause) {
		if (this.running) {
			this.restarts.get(cause).increment();
		}
	}

	/**
	 * Workers cannot be started once two spawns in a row failed in a way that lasts and
	 * none is alive: what waits for a worker then fails at once.
	 */
	private synchronized void spawnFailed(SpawnFailure failure) {
		if (failure.lasting() && ++this.lastingFailures >= 2 && alive() == 0) {
			this.unspawnable = failure.getMessage();
			failWaiting();
		}
	}

	private synchronized void spawned() {
		this.lastingFailures = 0;
		this.unspawnable = null;
		this.failedSpawns.set(0);
	}

	private void ended(WorkerProcess worker, boolean retiring) {
		// A worker that dies while its recycling replacement spawns is replaced by that
		// spawn.
		boolean recycled = this.recycling.remove(worker);
		// A worker that never joined (no hello) is counted and replaced by the spawn that
		// failed, not here.
		if (!this.workers.remove(worker) || !this.running || retiring) {
			return;
		}
		String cause = this.killedForTimeout.remove(worker) ? "timeout" : "crash";
		this.restarts.get(cause).increment();
		if (!recycled) {
			replace(false);
		}
	}

	/**
	 * Spawns a replacement on a thread of its own, so that replacements start in
	 * parallel: at once for a dead worker and for the first failed spawn, with a doubling
	 * backoff for every further failure in a row.
	 */
	private void replace(boolean afterFailedSpawn) {
		if (!this.running) {
			return;
		}
		long delay = 0;
		if (afterFailedSpawn) {
			int failures = this.failedSpawns.getAndIncrement();
			delay = (failures == 0) ? 0 : Math.min(this.properties.maxRestartBackoff().toMillis(),
					this.properties.restartBackoff().toMillis() << Math.min(failures - 1, 20));
		}
		if (delay == 0) {
			Thread.ofVirtual().name("timefan-worker-spawn").start(this::spawnOrReplaceLater);
		}
		else {
			this.supervisor.schedule(
					() -> Thread.ofVirtual().name("timefan-worker-spawn").start(this::spawnOrReplaceLater), delay,
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Completes when a worker is ready to take work: at once when one is, else at the
	 * next one's hello. Fails with {@link NoWorkerException} when no worker is alive and
	 * workers cannot be started.
	 * @return the signal; the caller bounds its wait
	 */
	CompletableFuture<Void> nextReady() {
		this.waiting.removeIf(CompletableFuture::isDone);
		CompletableFuture<Void> ready = new CompletableFuture<>();
		this.waiting.add(ready);
		if (alive() > 0) {
			wakeWaiting();
		}
		else if (this.unspawnable != null) {
			failWaiting();
		}
		return ready;
	}

	private void wakeWaiting() {
		CompletableFuture<Void> next;
		while ((next = this.waiting.poll()) != null) {
			next.complete(null);
		}
	}

	private void failWaiting() {
		String reason = this.unspawnable;
		NoWorkerException noWorker = new NoWorkerException((reason != null) ? reason : "no worker could be started");
		CompletableFuture<Void> next;
		while ((next = this.waiting.poll()) != null) {
			next.completeExceptionally(noWorker);
		}
	}

	/** Tells every worker the state of the upstream's circuit breaker, as it is now. */
	private void tellEveryWorkerTheBreakerState() {
		synchronized (this.breakerTelling) {
			UpstreamBreaker.State state = this.breaker.state();
			this.workers.forEach((worker) -> worker.tell(state));
		}
	}

	/**
	 * Tells a worker that joins the state of the upstream's circuit breaker, unless it is
	 * closed, which a worker assumes: a change from now on is told to it with the others.
	 */
	private void tellTheBreakerState(WorkerProcess worker) {
		synchronized (this.breakerTelling) {
			UpstreamBreaker.State state = this.breaker.state();
			if (state != UpstreamBreaker.State.CLOSED) {
				worker.tell(state);
			}
		}
	}

	/**
	 * Sends a chunk to the least-loaded live worker.
	 * @param zones catalog names
	 * @param source the source
	 * @param at the instant to answer for
	 * @param timeout the time the worker has
	 * @param clientIp the caller's address
	 * @param permits for an upstream chunk, the breaker's permissions of its items
	 * @return the dispatch, or null when no worker is ready ({@link #nextReady()} tells
	 * when one is)
	 */
	@Nullable Dispatch dispatch(List<String> zones, Source source, Instant at, Duration timeout, String clientIp,
			UpstreamBreaker.@Nullable Permits permits) {
		WorkerProcess worker = leastLoaded();
		if (worker == null) {
			return null;
		}
		CompletableFuture<List<Outcome>> answer = worker.send(zones, source, at, timeout, clientIp, permits);
		if (worker.served() >= this.properties.maxRequestsPerWorker() && this.recycling.add(worker)) {
			Thread.ofVirtual().name("timefan-worker-recycle").start(() -> recycle(worker));
		}
		return new Dispatch(worker, answer);
	}

	private @Nullable WorkerProcess leastLoaded() {
		// Ties (idle workers) go to the one that has served least, so sequential requests
		// spread.
		Comparator<WorkerProcess> load = Comparator.comparingInt(WorkerProcess::inflightItems)
			.thenComparingLong(WorkerProcess::served);
		return this.workers.stream().filter(WorkerProcess::isReady).min(load).orElse(null);
	}

	/**
	 * Replaces a worker that served its quota: the replacement first, then the old one
	 * retires.
	 */
	private void recycle(WorkerProcess worker) {
		try {
			spawn();
		}
		catch (SpawnFailure ex) {
			log.warn("Could not spawn the replacement of worker " + worker.id() + ": " + ex.getMessage());
			this.recycling.remove(worker);
			if (worker.state() == WorkerProcess.State.DEAD) {
				// It died meanwhile, and ended() left its replacement to this spawn.
				replace(true);
			}
			return;
		}
		if (worker.state() != WorkerProcess.State.DEAD) {
			this.restarts.get("recycle").increment();
			worker.retire(this.properties.shutdownGrace());
		}
	}

	/** Kills a worker that did not answer by the deadline; the pool replaces it. */
	void killHung(WorkerProcess worker) {
		if (worker.state() != WorkerProcess.State.DEAD && this.killedForTimeout.add(worker)) {
			log.warn("Worker " + worker.id() + " (pid " + worker.pid() + ") missed a deadline; killing it");
			worker.kill("missed a deadline");
		}
	}

	/**
	 * Why workers cannot be started, while none is alive.
	 * @return the reason, or null when a worker is alive or may yet start
	 */
	@Nullable String unspawnable() {
		return (alive() == 0) ? this.unspawnable : null;
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

	/**
	 * The processes of the pool, those that have not said hello yet included.
	 * @return their pids
	 */
	Set<Long> pids() {
		Set<Long> pids = new HashSet<>();
		this.workers.forEach((worker) -> pids.add(worker.pid()));
		this.starting.forEach((worker) -> pids.add(worker.pid()));
		return pids;
	}

	/** Retires every worker: stdin closed, a bounded wait, then forcible destruction. */
	@Override
	public void stop() {
		this.running = false;
		this.supervisor.shutdownNow();
		this.cache.stop();
		this.unspawnable = "the service is stopping";
		failWaiting();
		this.starting.forEach((worker) -> worker.kill("the pool is stopping"));
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
	 * A spawn that gave no worker: the message in an operator's and a caller's terms, the
	 * cause (paths, exit codes) for the log only.
	 */
	private static final class SpawnFailure extends Exception {

		private final boolean lasting;

		SpawnFailure(String message, boolean lasting, @Nullable Throwable cause) {
			super(message, cause, false, false);
			this.lasting = lasting;
		}

		/** Whether the next spawn will likely fail alike. */
		boolean lasting() {
			return this.lasting;
		}

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
