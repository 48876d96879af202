package dev.timefan.upstream;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.timefan.upstream.UpstreamProperties.ConcurrencyLimitSettings;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * How many calls this process has in flight to the upstream at once: an adaptive limit
 * (Netflix's concurrency-limits, additive increase and multiplicative decrease) shared by
 * every strategy of the process. It starts high enough for a whole batch to leave at
 * once; each call the upstream fails (no connection, no answer within the call timeout,
 * 5xx, 429: what the circuit breaker counts as a failure) cuts it by the backoff ratio,
 * and each answer while at least half of it is in use raises it by one, up to its
 * maximum. A call over the limit waits, first come first served, for one in flight to
 * end: on its thread for the blocking clients ({@link #acquire(long)}), without a thread
 * for the reactive one ({@link #acquireLater()}).
 */
final class UpstreamLimit {

	private final SimpleLimiter<Void> limiter;

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	private final AtomicInteger waiting = new AtomicInteger();

	private final AtomicInteger draining = new AtomicInteger();

	/**
	 * A limit.
	 * @param settings its bounds and backoff
	 * @param callTimeout how long a call may take: the algorithm asks for a time past
	 * which a call counts as failed, and a call not answered within this one has failed
	 * @param nanoClock the clock calls are timed by
	 */
	UpstreamLimit(ConcurrencyLimitSettings settings, Duration callTimeout, LongSupplier nanoClock) {
		this.limiter = SimpleLimiter.newBuilder()
			.named("upstream")
			.nanoClock(nanoClock)
			.limit(AIMDLimit.newBuilder()
				.initialLimit(settings.initial())
				.minLimit(settings.min())
				.maxLimit(settings.max())
				.backoffRatio(settings.backoffRatio())
				.timeout(callTimeout.toNanos(), TimeUnit.NANOSECONDS)
				.build())
			.build();
	}

	/**
	 * @return the calls allowed in flight at once now
	 */
	int limit() {
		return this.limiter.getLimit();
	}

	/**
	 * @return the calls in flight now
	 */
	int inflight() {
		return this.limiter.getInflight();
	}

	/**
	 * @return the calls waiting for room under the limit now
	 */
	int waiting() {
		return this.waiting.get();
	}

	/**
	 * Room for one call, waiting on this thread for at most the given time.
	 * @param timeoutNanos how long to wait
	 * @return the permit, or null when none came within the time
	 * @throws InterruptedException when the thread is interrupted while waiting
	 */
	@Nullable Permit acquire(long timeoutNanos) throws InterruptedException {
		Permit now = tryAcquire();
		if (now != null) {
			return now;
		}
		Waiter waiter = enqueue();
		try {
			return waiter.permit.get(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// The room may have come just now: then it is this call's.
			return waiter.abandon() ? null : waiter.permit.join();
		}
		catch (InterruptedException ex) {
			if (!waiter.abandon()) {
				waiter.permit.join().release(CallVerdict.NONE);
			}
			throw ex;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("a waiter is only ever completed with a permit", ex);
		}
	}

	/**
	 * Room for one call, when subscribed, waiting without a thread; cancelling the wait
	 * gives up its place, or the permit that came meanwhile.
	 * @return the permit
	 */
	Mono<Permit> acquireLater() {
		return Mono.defer(() -> {
			Permit now = tryAcquire();
			if (now != null) {
				return Mono.just(now);
			}
			Waiter waiter = enqueue();
			return Mono.fromFuture(waiter.permit, true).doOnCancel(() -> {
				if (!waiter.abandon()) {
					waiter.permit.thenAccept((permit) -> permit.release(CallVerdict.NONE));
				}
			});
		});
	}

	/** A permit at once, unless others wait for one before this call. */
	private @Nullable Permit tryAcquire() {
		if (this.waiting.get() > 0) {
			return null;
		}
		return this.limiter.acquire(null).map(Permit::new).orElse(null);
	}

	private Waiter enqueue() {
		Waiter waiter = new Waiter();
		this.waiting.incrementAndGet();
		this.waiters.add(waiter);
		// A call that ended between the failed try and the enqueue found no one waiting.
		drain();
		return waiter;
	}

	/**
	 * Hands the room there is to the longest waiting. One thread drains at a time, in a
	 * loop rather than recursively: a waiter completed here may run its call, and end it,
	 * on this very thread (a reactive call refused at once), which drains again.
	 */
	private void drain() {
		if (this.draining.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			handOut();
			missed = this.draining.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void handOut() {
		while (this.waiting.get() > 0) {
			Limiter.Listener listener = this.limiter.acquire(null).orElse(null);
			if (listener == null) {
				return;
			}
			Waiter waiter;
			do {
				waiter = this.waiters.poll();
			}
			while (waiter != null && !waiter.settle());
			if (waiter == null) {
				// Everyone waiting gave up meanwhile: the room goes back, telling the
				// limit
				// nothing.
				listener.onIgnore();
				return;
			}
			waiter.permit.complete(new Permit(listener));
		}
	}

	/**
	 * A call waiting for room: settled once, either given the room or given up, whichever
	 * comes first.
	 */
	private final class Waiter {

		private final CompletableFuture<Permit> permit = new CompletableFuture<>();

		private final AtomicBoolean settled = new AtomicBoolean();

		/**
		 * @return whether this waiter was still waiting, and now is not
		 */
		boolean settle() {
			if (!this.settled.compareAndSet(false, true)) {
				return false;
			}
			UpstreamLimit.this.waiting.decrementAndGet();
			return true;
		}

		/**
		 * @return whether it gave up its place; false when the room came first
		 */
		boolean abandon() {
			return settle();
		}

	}

	/** Room for one call; released once, with what the call told about the upstream. */
	final class Permit {

		private final Limiter.Listener listener;

		private final AtomicBoolean released = new AtomicBoolean();

		private Permit(Limiter.Listener listener) {
			this.listener = listener;
		}

		/**
		 * Ends the call: an answer raises the limit, a failure of the upstream cuts it, a
		 * call that tells nothing (cancelled, refused by the breaker) leaves it.
		 * @param verdict what the call told
		 */
		void release(CallVerdict verdict) {
			if (!this.released.compareAndSet(false, true)) {
				return;
			}
			switch (verdict) {
				case SUCCESS -> this.listener.onSuccess();
				case FAILURE -> this.listener.onDropped();
				case NONE -> this.listener.onIgnore();
			}
			drain();
		}

	}

}
