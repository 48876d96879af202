package dev.timefan.virtual;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import dev.timefan.fanout.Capacity;
import dev.timefan.fanout.ExecutorFanout;
import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fans a batch out with one virtual thread per upstream item, and per slice of local
 * zones ({@link ExecutorFanout}). A semaphore bounds how many tasks run at once; a task
 * waiting for a permit past the deadline is 504 and never runs.
 */
@Component
@Order(2)
class VirtualThreadEngine implements FanoutEngine, DisposableBean {

	static final String STRATEGY = "virtual";

	private final ExecutorService threads = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("timefan-virtual-", 0).factory());

	private final Semaphore permits;

	private final Executor bounded;

	private final Capacity capacity;

	VirtualThreadEngine(VirtualProperties properties) {
		this.capacity = properties.capacity();
		this.permits = new Semaphore(properties.concurrency());
		this.bounded = (task) -> this.threads.execute(() -> {
			try {
				this.permits.acquire();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			try {
				task.run();
			}
			finally {
				this.permits.release();
			}
		});
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
		return CompletableFuture.completedFuture(ExecutorFanout.run(this.bounded, job));
	}

	@Override
	public void destroy() {
		this.threads.shutdownNow();
	}

}
