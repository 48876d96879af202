package dev.timefan.fanout;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * How fast a strategy has finished work over the last {@value #SECONDS} seconds: what
 * completed, counted in one-second slots, and in which of those seconds it had work in
 * flight.
 */
final class DrainRate {

	static final int SECONDS = 10;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private final long[] counts = new long[SECONDS];

	private final boolean[] busy = new boolean[SECONDS];

	private final long[] slots = new long[SECONDS];

	private final LongSupplier nanoTime;

	DrainRate(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		Arrays.fill(this.slots, Long.MIN_VALUE);
	}

	/**
	 * Counts work that completed now.
	 * @param completed how much
	 * @param startedNanos when it started, on the same clock: every second from then to
	 * now was busy
	 */
	synchronized void add(long completed, long startedNanos) {
		long now = second();
		long from = Math.max(now - SECONDS + 1, toSecond(startedNanos));
		for (long second = from; second <= now; second++) {
			slot(second);
			this.busy[Math.floorMod(second, SECONDS)] = true;
		}
		this.counts[slot(now)] += completed;
	}

	/**
	 * What completed per second, on average over the window; 0 when nothing did.
	 */
	synchronized double perSecond() {
		return (double) sum(false) / SECONDS;
	}

	/**
	 * What completed per second of the window in which work was in flight: how fast the
	 * strategy drains while it has work, whatever the idle seconds around it; 0 when
	 * nothing completed in the window.
	 */
	synchronized double perBusySecond() {
		long sum = sum(false);
		long busySeconds = sum(true);
		return (busySeconds == 0) ? 0 : (double) sum / busySeconds;
	}

	/** The window's completions, or its busy seconds. */
	private long sum(boolean busySeconds) {
		long second = second();
		long sum = 0;
		for (int i = 0; i < SECONDS; i++) {
			if (this.slots[i] > second - SECONDS) {
				sum += busySeconds ? (this.busy[i] ? 1 : 0) : this.counts[i];
			}
		}
		return sum;
	}

	/** The index of a second's slot, emptied first when it last held an older second. */
	private int slot(long second) {
		int slot = Math.floorMod(second, SECONDS);
		if (this.slots[slot] != second) {
			this.slots[slot] = second;
			this.counts[slot] = 0;
			this.busy[slot] = false;
		}
		return slot;
	}

	private long second() {
		return toSecond(this.nanoTime.getAsLong());
	}

	private static long toSecond(long nanos) {
		return Math.floorDiv(nanos, NANOS_PER_SECOND);
	}

}
