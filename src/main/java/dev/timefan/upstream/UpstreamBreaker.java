package dev.timefan.upstream;

import java.time.Clock;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timefan.time.Zone;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The upstream's circuit breaker: one Resilience4j {@link CircuitBreaker} named
 * {@value #NAME}, shared by every strategy. {@code threads} and {@code virtual} ask it
 * before each attempt (it is their {@link UpstreamGate}), {@code reactive} through
 * Resilience4j's Reactor operator, and {@code processes} grants each chunk's items their
 * first call ({@link #permits(int)}) and records every call its workers report.
 * <p>
 * What counts is {@link CallVerdict}'s: connect errors, timeouts, 5xx, 429 and answers
 * that are no time object are failures; a 4xx but 429 is an answer about the request; a
 * call that the batch deadline cut, or that found no connection free, tells nothing.
 * Every call counts as slow past the slow-call threshold. Operators hear of each change
 * of state: a WARN when it opens, an INFO when it half-opens and when it closes.
 */
public final class UpstreamBreaker implements UpstreamGate {

	/** The breaker's name, the {@code name} tag of its meters. */
	public static final String NAME = "upstream";

	/** What an item that the breaker refused says, in the caller's terms. */
	static final String OPEN = "upstream circuit breaker is open";

	private static final Log log = LogFactory.getLog(UpstreamBreaker.class);

	/** What a failed call reported without its exception is recorded as. */
	private static final Exception FAILED_CALL = new Exception("a failed call", null, false, false) {
	};

	private final CircuitBreakerRegistry registry;

	private final CircuitBreaker breaker;

	private final UpstreamProperties.CircuitBreakerSettings settings;

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Where changes of state are logged, in order: never on the thread that changed the
	 * state, which may be an event loop that must not wait for the console.
	 */
	private final Executor logging = Executors
		.newSingleThreadExecutor(Thread.ofVirtual().name("timefan-upstream-breaker-log").factory());

	/**
	 * A breaker.
	 * @param settings its settings
	 * @param clock the clock of its wait in the open state
	 */
	UpstreamBreaker(UpstreamProperties.CircuitBreakerSettings settings, Clock clock) {
		this.settings = settings;
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.failureRateThreshold(settings.failureRateThreshold())
			.slowCallRateThreshold(settings.slowCallRateThreshold())
			.slowCallDurationThreshold(settings.slowCallDurationThreshold())
			.slidingWindow(settings.slidingWindowSize(), settings.minimumNumberOfCalls(), SlidingWindowType.COUNT_BASED)
			.waitDurationInOpenState(settings.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
			.recordException((ex) -> verdictOf(ex) == CallVerdict.FAILURE)
			.ignoreException((ex) -> verdictOf(ex) == CallVerdict.NONE)
			.writableStackTraceEnabled(false)
			.clock(clock)
			.build();
		this.registry = CircuitBreakerRegistry.of(config);
		this.breaker = this.registry.circuitBreaker(NAME);
		this.breaker.getEventPublisher().onStateTransition((event) -> {
			String change = describe(event.getStateTransition().getToState());
			this.logging.execute(() -> log(event.getStateTransition().getToState(), change));
			this.listeners.forEach(Runnable::run);
		}).onReset((event) -> this.listeners.forEach(Runnable::run));
		if (!settings.enabled()) {
			this.breaker.transitionToDisabledState();
		}
	}

	private static CallVerdict verdictOf(Throwable ex) {
		return (ex instanceof UpstreamFailure failure) ? failure.verdict() : CallVerdict.FAILURE;
	}

	/** What a change of state is logged as, from the rates that made it. */
	private String describe(CircuitBreaker.State to) {
		CircuitBreaker.Metrics metrics = this.breaker.getMetrics();
		return switch (to) {
			case OPEN -> "Upstream circuit breaker opened"
					+ ((metrics.getFailureRate() >= 0) ? ": of the last " + metrics.getNumberOfBufferedCalls()
							+ " calls " + percent(metrics.getFailureRate()) + " failed and "
							+ percent(metrics.getSlowCallRate()) + " were slow" : "")
					+ "; source=upstream items are answered without calling the upstream for "
					+ this.settings.waitDurationInOpenState().toMillis() + " ms, then "
					+ this.settings.permittedCallsInHalfOpenState() + " trial calls test it";
			case HALF_OPEN -> "Upstream circuit breaker half-open: " + this.settings.permittedCallsInHalfOpenState()
					+ " trial calls test the upstream";
			case CLOSED -> "Upstream circuit breaker closed: the upstream is called again";
			case DISABLED -> "Upstream circuit breaker disabled (" + UpstreamProperties.CircuitBreakerSettings.PREFIX
					+ ".enabled=false): every call is made";
			default -> "Upstream circuit breaker " + to;
		};
	}

	private static void log(CircuitBreaker.State to, String change) {
		if (to == CircuitBreaker.State.OPEN) {
			log.warn(change);
		}
		else {
			log.info(change);
		}
	}

	private static String percent(float rate) {
		return Math.round(rate) + " %";
	}

	/** The Resilience4j breaker, for its Reactor operator, meters and tests. */
	CircuitBreaker circuitBreaker() {
		return this.breaker;
	}

	/** The registry that holds it, for its meters. */
	CircuitBreakerRegistry registry() {
		return this.registry;
	}

	/**
	 * The state as callers feel it.
	 * @return {@link State#CLOSED} also when disabled, {@link State#OPEN} also when
	 * forced open
	 */
	public State state() {
		return switch (this.breaker.getState()) {
			case OPEN, FORCED_OPEN -> State.OPEN;
			case HALF_OPEN -> State.HALF_OPEN;
			default -> State.CLOSED;
		};
	}

	/**
	 * Tells a listener of every change of state, a reset included, on the thread that
	 * changed it (a call's thread, possibly an event loop): a listener must not block.
	 * @param listener the listener
	 */
	public void onStateChange(Runnable listener) {
		this.listeners.add(listener);
	}

	@Override
	public boolean permits(Zone zone, int attempt) {
		return this.breaker.tryAcquirePermission();
	}

	@Override
	public void record(Zone zone, int attempt, long nanos, CallVerdict verdict) {
		switch (verdict) {
			case SUCCESS -> this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
			case FAILURE -> this.breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILED_CALL);
			case NONE -> this.breaker.releasePermission();
		}
	}

	/**
	 * Records a call that was made without a permission of its own: a worker's retry, or
	 * a call reported after its request ended. A call that tells nothing is dropped.
	 * @param nanos how long it took
	 * @param verdict what it tells
	 */
	public void recordWithoutPermission(long nanos, CallVerdict verdict) {
		switch (verdict) {
			case SUCCESS -> this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
			case FAILURE -> this.breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILED_CALL);
			case NONE -> {
			}
		}
	}

	/**
	 * Asks a permission for the first call of each item of a chunk that runs elsewhere (a
	 * worker process): every item while closed, none while open, as many as trial calls
	 * are left while half-open.
	 * @param items the chunk's items
	 * @return the permissions; {@linkplain Permits#close() closed} once the chunk has
	 * ended, so that trial permissions it did not use are given back
	 */
	public Permits permits(int items) {
		BitSet permitted = new BitSet(items);
		int trials = 0;
		for (int i = 0; i < items; i++) {
			if (this.breaker.tryAcquirePermission()) {
				permitted.set(i);
				if (this.breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
					trials++;
				}
			}
		}
		return new Permits(permitted, trials);
	}

	/** The state of the breaker as callers feel it. */
	public enum State {

		/** Every call is made (also when the breaker is disabled). */
		CLOSED,

		/** A few trial calls are made; other calls are refused. */
		HALF_OPEN,

		/** Every call is refused. */
		OPEN

	}

	/**
	 * The permissions granted to the items of one chunk, and the calls recorded against
	 * them. Thread-safe.
	 */
	public final class Permits {

		private final BitSet permitted;

		/** Trial permissions granted while half-open and not used yet. */
		private final AtomicInteger unusedTrials;

		private Permits(BitSet permitted, int trials) {
			this.permitted = permitted;
			this.unusedTrials = new AtomicInteger(trials);
		}

		/**
		 * The items that may call the upstream.
		 * @return a copy, one bit per item
		 */
		public BitSet permitted() {
			return (BitSet) this.permitted.clone();
		}

		/**
		 * Records a call the chunk's worker made.
		 * @param nanos how long it took
		 * @param verdict what it tells
		 * @param first whether it was an item's first call, made on its permission
		 */
		public void record(long nanos, CallVerdict verdict, boolean first) {
			boolean trial = first && this.unusedTrials.getAndUpdate((left) -> Math.max(0, left - 1)) > 0;
			if (trial && verdict == CallVerdict.NONE) {
				UpstreamBreaker.this.breaker.releasePermission();
			}
			else {
				recordWithoutPermission(nanos, verdict);
			}
		}

		/** Gives back the trial permissions no call used; idempotent. */
		public void close() {
			for (int left = this.unusedTrials.getAndSet(0); left > 0; left--) {
				UpstreamBreaker.this.breaker.releasePermission();
			}
		}

	}

}
