package dev.timefan.fanout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One strategy's bulkhead: a request is admitted whole, with all its zones, or shed whole
 * at once with a {@code Retry-After} from how fast the strategy has been draining its
 * work. Admitted work ends by the batch deadline at the latest, which bounds the wait.
 */
final class Admission {

	private final String strategy;

	private final Capacity capacity;

	private final AtomicInteger batches = new AtomicInteger();

	private final AtomicInteger items = new AtomicInteger();

	private final DrainRate drainedBatches;

	private final DrainRate drainedItems;

	private final long longestWaitSeconds;

	Admission(String strategy, Capacity capacity, Duration batchTimeout, LongSupplier nanoTime) {
		this.strategy = strategy;
		this.capacity = capacity;
		this.drainedBatches = new DrainRate(nanoTime);
		this.drainedItems = new DrainRate(nanoTime);
		this.longestWaitSeconds = Math.max(1, (batchTimeout.toMillis() + 999) / 1000);
	}

	/**
	 * Admits a request of {@code size} zones, or sheds it.
	 * @param size the zones it asks for
	 * @return the ticket to release when the request's work is done
	 * @throws Shed when the strategy cannot take the whole request now
	 */
	Ticket admit(int size) {
		if (!take(this.batches, 1, this.capacity.maxBatches())) {
			throw shed(Shed.Limit.BATCHES, size, "all " + this.capacity.maxBatches() + " of its requests in flight",
					wait(1, this.drainedBatches));
		}
		if (!take(this.items, size, this.capacity.maxItems())) {
			this.batches.decrementAndGet();
			int excess = this.items.get() + size - this.capacity.maxItems();
			throw shed(Shed.Limit.ITEMS, size,
					this.items.get() + " of its " + this.capacity.maxItems() + " zones in flight",
					wait(excess, this.drainedItems));
		}
		return new Ticket(size);
	}

	/**
	 * The zones in flight.
	 * @return the count
	 */
	int inflight() {
		return this.items.get();
	}

	String strategy() {
		return this.strategy;
	}

	private static boolean take(AtomicInteger inUse, int amount, int max) {
		for (;;) {
			int current = inUse.get();
			if (current + amount > max) {
				return false;
			}
			if (inUse.compareAndSet(current, current + amount)) {
				return true;
			}
		}
	}

	/**
	 * Whole seconds until {@code excess} more will have drained at the recent rate: at
	 * least 1, and at most the batch timeout, by when all admitted work has ended.
	 */
	private long wait(int excess, DrainRate rate) {
		double perSecond = rate.perSecond();
		if (perSecond <= 0) {
			return this.longestWaitSeconds;
		}
		long seconds = (long) Math.ceil(Math.max(1, excess) / perSecond);
		return Math.clamp(seconds, 1, this.longestWaitSeconds);
	}

	private Shed shed(Shed.Limit limit, int size, String why, long retryAfterSeconds) {
		return new Shed(this.strategy, limit, "strategy '" + this.strategy + "' is at capacity (" + why
				+ ") and cannot take " + size + ((size == 1) ? " more zone" : " more zones") + " now",
				retryAfterSeconds);
	}

	/**
	 * An admitted request's hold on the strategy, released once when its work is done.
	 */
	final class Ticket {

		private final int size;

		private final AtomicBoolean released = new AtomicBoolean();

		private Ticket(int size) {
			this.size = size;
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				Admission.this.items.addAndGet(-this.size);
				Admission.this.batches.decrementAndGet();
				Admission.this.drainedItems.add(this.size);
				Admission.this.drainedBatches.add(1);
			}
		}

	}

}
