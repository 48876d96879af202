package dev.timefan.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * Asks the upstream for {@code Etc/UTC} every {@code timefan.upstream.health-interval},
 * one call without retries on a daemon thread of its own, so that
 * {@link UpstreamHealthIndicator} reads a result rather than calling the upstream on a
 * health request. It probes only an upstream in use: from start-up when
 * {@code timefan.source} is {@code upstream}, else from the first lookup that asks for it
 * ({@link #inUse()}); a service that never uses the upstream never calls it.
 * <p>
 * Operators hear of state changes only: a WARN with the failure's detail when the
 * upstream starts failing, an INFO when it answers again. Each failed probe is logged at
 * DEBUG like any failed call.
 */
public final class UpstreamProbe implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(UpstreamProbe.class);

	private static final String PROBE_ZONE = "Etc/UTC";

	private final Exchange exchange;

	private final UpstreamProperties properties;

	private final boolean defaultSource;

	private final Clock clock;

	private final Zone zone;

	private final ObjectReader reader;

	private volatile @Nullable Result last;

	/**
	 * Set once probing is scheduled, or stopped for good; read without a lock on every
	 * lookup.
	 */
	private volatile boolean scheduled;

	private @Nullable ScheduledExecutorService scheduler;

	private boolean running;

	private boolean stopped;

	/**
	 * A probe, idle until started or used.
	 * @param exchange the blocking client
	 * @param properties the upstream's settings: the interval and the call timeout
	 * @param defaultSource whether {@code timefan.source} is {@code upstream}: then
	 * probing starts with the application
	 * @param catalog the catalog that names the probe's zone
	 * @param mapper the application's mapper
	 * @param clock when a probe was made
	 */
	UpstreamProbe(Exchange exchange, UpstreamProperties properties, boolean defaultSource, ZoneCatalog catalog,
			JsonMapper mapper, Clock clock) {
		this.exchange = exchange;
		this.properties = properties;
		this.defaultSource = defaultSource;
		this.clock = clock;
		Zone utc = catalog.find(PROBE_ZONE);
		if (utc == null) {
			throw new IllegalStateException("the tz database has no " + PROBE_ZONE);
		}
		this.zone = utc;
		this.reader = Reply.reader(mapper);
	}

	/**
	 * Tells the probe that the upstream source is in use: the first call starts probing
	 * (at once, then every interval); every other call costs one volatile read. Called by
	 * each upstream lookup in this process; the {@code processes} strategy, whose lookups
	 * run in worker processes, calls it as it dispatches them.
	 */
	public void inUse() {
		if (!this.scheduled) {
			schedule();
		}
	}

	private synchronized void schedule() {
		if (this.scheduled || this.stopped) {
			return;
		}
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("timefan-upstream-probe").factory());
		long interval = this.properties.healthInterval().toNanos();
		scheduler.scheduleWithFixedDelay(this::probe, 0, interval, TimeUnit.NANOSECONDS);
		this.scheduler = scheduler;
		this.scheduled = true;
	}

	/**
	 * The last probe's result.
	 * @return it, or null before the first probe has ended
	 */
	@Nullable Result last() {
		return this.last;
	}

	/**
	 * Whether probing has started: the upstream is in use.
	 * @return true from the first {@link #inUse()}, or from start-up with source
	 * upstream; true once stopped, too
	 */
	boolean probing() {
		return this.scheduled;
	}

	/** One probe: never throws, so the schedule never ends by itself. */
	void probe() {
		Result result;
		try {
			this.exchange.call(this.zone).read(this.zone, "health", this.reader);
			result = new Result(this.clock.instant(), null);
		}
		catch (UpstreamFailure ex) {
			ex.logAttempt(this.properties.baseUrl(), this.zone, 1);
			result = new Result(this.clock.instant(), ex);
		}
		catch (InterruptedException ex) {
			// Stopping.
			Thread.currentThread().interrupt();
			return;
		}
		catch (RuntimeException ex) {
			UpstreamFailure failure = UpstreamFailure.io(ex);
			failure.logAttempt(this.properties.baseUrl(), this.zone, 1);
			result = new Result(this.clock.instant(), failure);
		}
		// Logged before it shows: whoever sees the new state finds its log line written.
		logChange(this.last, result);
		this.last = result;
	}

	private void logChange(@Nullable Result previous, Result now) {
		UpstreamFailure failure = now.failure();
		boolean wasFailing = previous != null && previous.failure() != null;
		if (failure != null && !wasFailing) {
			log.warn("Upstream " + this.properties.baseUrl() + " started failing: " + failure.detail()
					+ "; callers are told '" + failure.getMessage() + "' and source=upstream items "
					+ (this.properties.fallback() ? "fall back to the local tz database" : "fail with 502"));
		}
		else if (failure == null && wasFailing) {
			log.info("Upstream " + this.properties.baseUrl() + " answers again");
		}
	}

	/** Starts probing at once when the upstream is the default source. */
	@Override
	public synchronized void start() {
		this.running = true;
		if (this.stopped) {
			this.stopped = false;
			this.scheduled = false;
		}
		if (this.defaultSource) {
			inUse();
		}
	}

	/**
	 * Stops probing, interrupting a probe in flight; until the next start, lookups start
	 * none.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService scheduler;
		synchronized (this) {
			this.running = false;
			this.stopped = true;
			// Lookups draining after this take the fast path and start nothing.
			this.scheduled = true;
			scheduler = this.scheduler;
			this.scheduler = null;
		}
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	/**
	 * One probe's result.
	 *
	 * @param checked when it ended
	 * @param failure why it failed, or null when the upstream answered a valid time
	 * object
	 */
	record Result(Instant checked, @Nullable UpstreamFailure failure) {

	}

}
