package dev.timefan.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.TimeMeter;

/**
 * The time the buckets refill by and idle clients expire by, moved only by a test: a
 * refill is tested by advancing it, never by sleeping.
 */
final class ManualTime implements TimeMeter {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	@Override
	public long currentTimeNanos() {
		return this.nanos.get();
	}

	@Override
	public boolean isWallClockBased() {
		return false;
	}

	void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
