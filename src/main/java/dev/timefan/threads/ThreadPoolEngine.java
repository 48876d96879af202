package dev.timefan.threads;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.timefan.fanout.Capacity;
import dev.timefan.fanout.ExecutorFanout;
import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Fans a batch out over a bounded pool of platform threads ({@link ExecutorFanout}): an
 * upstream item is a task of its own, local zones are answered in the caller's thread or
 * in a few slices. The caller's thread waits for the outcomes; tasks wait in the pool's
 * queue for a thread, as many as admission lets in ({@code timefan.threads.max-items}).
 */
@Component
@Order(1)
class ThreadPoolEngine implements FanoutEngine, DisposableBean {

	static final String STRATEGY = "threads";

	private final ThreadPoolExecutor pool;

	private final ExecutorService monitored;

	private final Capacity capacity;

	ThreadPoolEngine(ThreadsProperties properties, MeterRegistry registry) {
		this.capacity = properties.capacity();
		// Unbounded: admission bounds what is queued, and a queue that refused an
		// admitted
		// item would answer it in part.
		this.pool = new ThreadPoolExecutor(properties.poolSize(), properties.poolSize(), 1, TimeUnit.MINUTES,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("timefan-threads-"),
				new ThreadPoolExecutor.AbortPolicy());
		// Threads start as items come and end after a minute idle: the pool's size is a
		// bound, not a standing cost.
		this.pool.allowCoreThreadTimeOut(true);
		this.monitored = ExecutorServiceMetrics.monitor(registry, this.pool, "timefan.threads");
	}

	@Override
	public String strategy() {
		return STRATEGY;
	}

	@Override
	public Capacity capacity() {
		return this.capacity;
	}

	@Override
	public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
		return CompletableFuture.completedFuture(ExecutorFanout.run(this.monitored, job));
	}

	@Override
	public void destroy() {
		this.pool.shutdownNow();
	}

}
