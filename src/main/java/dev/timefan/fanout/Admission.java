package dev.timefan.fanout;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One strategy's bulkhead: a request is admitted whole, with all its zones, or shed whole
 * at once with a {@code Retry-After} from how fast the strategy has been draining its
 * work. Admitted work ends by the batch deadline at the latest, which bounds the wait.
 * <p>
 * Besides its fixed caps, while the strategy is late (a request of the last
 * {@value DrainRate#SECONDS} seconds took more than half the batch deadline), a request
 * is shed when the zones already in flight and its own would take more than half the
 * deadline to drain at the rate the strategy drained while busy. Without that, an
 * overloaded strategy (more zones in flight than it can finish before the deadline)
 * spreads its time over every request and every request misses the deadline: shedding
 * some keeps the others in time. A request that finds nothing in flight is never shed by
 * it, nor one that comes while requests end in time.
 */
final class Admission {

	private final String strategy;

	private final Capacity capacity;

	private final AtomicInteger batches = new AtomicInteger();

	private final AtomicInteger items = new AtomicInteger();

	private final DrainRate drainedBatches;

	private final DrainRate drainedItems;

	private final long longestWaitSeconds;

	private final double backlogSeconds;

	private final long backlogNanos;

	/** When a request last ended that took longer than half the deadline. */
	private volatile long lateNanos;

	private final LongSupplier nanoTime;

	Admission(String strategy, Capacity capacity, Duration batchTimeout, LongSupplier nanoTime) {
		this.strategy = strategy;
		this.capacity = capacity;
		this.nanoTime = nanoTime;
		this.drainedBatches = new DrainRate(nanoTime);
		this.drainedItems = new DrainRate(nanoTime);
		this.longestWaitSeconds = Math.max(1, (batchTimeout.toMillis() + 999) / 1000);
		this.backlogSeconds = batchTimeout.toMillis() / 2000.0;
		this.backlogNanos = batchTimeout.toNanos() / 2;
		this.lateNanos = nanoTime.getAsLong() - TimeUnit.SECONDS.toNanos(DrainRate.SECONDS) - 1;
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
		int ahead = this.items.get() - size;
		double perSecond = (ahead > 0 && late()) ? this.drainedItems.perBusySecond() : 0;
		if (perSecond > 0 && (ahead + size) / perSecond > this.backlogSeconds) {
			this.items.addAndGet(-size);
			this.batches.decrementAndGet();
			int excess = (int) Math.ceil(ahead + size - perSecond * this.backlogSeconds);
			throw shed(Shed.Limit.BACKLOG, size,
					ahead + " zones in flight, about " + seconds((ahead + size) / perSecond)
							+ " s of work with these at the " + Math.round(perSecond)
							+ " a second it drains, over half the batch deadline",
					wait(excess, this.drainedItems));
		}
		return new Ticket(size, this.nanoTime.getAsLong());
	}

	private boolean late() {
		return this.nanoTime.getAsLong() - this.lateNanos <= TimeUnit.SECONDS.toNanos(DrainRate.SECONDS);
	}

	private static String seconds(double seconds) {
		return (seconds < 10) ? String.format(Locale.ROOT, "%.1f", seconds) : Long.toString(Math.round(seconds));
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
		double perSecond = rate.perBusySecond();
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

		private final long admittedNanos;

		private final AtomicBoolean released = new AtomicBoolean();

		private Ticket(int size, long admittedNanos) {
			this.size = size;
			this.admittedNanos = admittedNanos;
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				Admission.this.items.addAndGet(-this.size);
				Admission.this.batches.decrementAndGet();
				long now = Admission.this.nanoTime.getAsLong();
				if (now - this.admittedNanos > Admission.this.backlogNanos) {
					Admission.this.lateNanos = now;
				}
				Admission.this.drainedItems.add(this.size, this.admittedNanos);
				Admission.this.drainedBatches.add(1, this.admittedNanos);
			}
		}

	}

}
