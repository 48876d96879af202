package dev.timefan.fanout;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How fast a strategy has finished work over the last {@value #SECONDS} seconds: what
 * completed, counted in one-second slots.
 */
final class DrainRate {

	static final int SECONDS = 10;

	private final long[] counts = new long[SECONDS];

	private final long[] slots = new long[SECONDS];

	private final LongSupplier nanoTime;

	DrainRate(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		Arrays.fill(this.slots, Long.MIN_VALUE);
	}

	synchronized void add(long completed) {
		long second = second();
		int slot = Math.floorMod(second, SECONDS);
		if (this.slots[slot] != second) {
			this.slots[slot] = second;
			this.counts[slot] = 0;
		}
		this.counts[slot] += completed;
	}

	/**
	 * What completed per second, on average over the window; 0 when nothing did.
	 */
	synchronized double perSecond() {
		long second = second();
		long sum = 0;
		for (int i = 0; i < SECONDS; i++) {
			if (this.slots[i] > second - SECONDS) {
				sum += this.counts[i];
			}
		}
		return (double) sum / SECONDS;
	}

	private long second() {
		return TimeUnit.NANOSECONDS.toSeconds(this.nanoTime.getAsLong());
	}

}
