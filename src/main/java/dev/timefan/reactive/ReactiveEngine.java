package dev.timefan.reactive;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.timefan.fanout.Capacity;
import dev.timefan.fanout.FanoutEngine;
import dev.timefan.fanout.FanoutJob;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.Zone;
import dev.timefan.upstream.ReactiveUpstream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fans a batch out with Reactor. Local zones are answered inline on the subscribing
 * thread: a hop per item would cost more than the lookup. Upstream zones go through
 * {@code flatMapSequential}, all at once unless {@code concurrency} is set, under the
 * upstream's concurrency limit, each bounded by the batch deadline: an item still
 * unanswered then is 504 and its call is cancelled.
 */
@Component
@Order(4)
class ReactiveEngine implements FanoutEngine {

	static final String STRATEGY = "reactive";

	private final ReactiveUpstream upstream;

	private final @Nullable Integer concurrency;

	private final Capacity capacity;

	ReactiveEngine(ReactiveUpstream upstream, ReactiveProperties properties) {
		this.upstream = upstream;
		this.concurrency = properties.concurrency();
		this.capacity = properties.capacity();
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
		return outcomes(job).collectList().toFuture();
	}

	/**
	 * The outcomes of a job, in order.
	 * @param job the job
	 * @return one outcome per zone
	 */
	Flux<Outcome> outcomes(FanoutJob job) {
		if (job.source() != Source.UPSTREAM) {
			return Flux.fromIterable(job.zones()).map(job::lookup);
		}
		int concurrency = (this.concurrency != null) ? this.concurrency : job.zones().size();
		return Flux.fromIterable(job.zones()).flatMapSequential((zone) -> upstream(job, zone), concurrency);
	}

	private Mono<Outcome> upstream(FanoutJob job, Zone zone) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			long remaining = job.deadline().remainingNanos();
			Mono<Outcome> timedOut = Mono
				.fromSupplier(() -> Outcome.timedOut(job.deadline(), System.nanoTime() - start));
			if (remaining <= 0) {
				return timedOut;
			}
			return this.upstream.lookup(zone, job.clientIp(), job.deadline())
				.timeout(Duration.ofNanos(remaining), timedOut)
				.onErrorResume((ex) -> Mono.fromSupplier(() -> job.failed(ex, System.nanoTime() - start)));
		});
	}

}
