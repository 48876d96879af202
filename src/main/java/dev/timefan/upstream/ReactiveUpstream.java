package dev.timefan.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upstream source for {@code reactive}: the same calls, retries and fallback as
 * {@link UpstreamLookup}, without a thread per item. Waits are Reactor timers; nothing
 * here blocks. Each attempt waits, without a thread, for room under the process's
 * {@link UpstreamLimit}, then goes through the upstream's circuit breaker with
 * Resilience4j's Reactor operator: a refused attempt ends the item at once, falling back
 * with the breaker's reason. Each failed call is logged at DEBUG with its detail; the
 * item carries only its caller-terms reason.
 */
public final class ReactiveUpstream {

	private final Function<Zone, Mono<Reply>> exchange;

	private final URI baseUrl;

	private final Duration callTimeout;

	private final Retries retries;

	private final Fallback fallback;

	private final ObjectReader reader;

	private final UpstreamLimit limit;

	private final CircuitBreaker breaker;

	private final Runnable onUse;

	private final Runnable onRetry;

	/**
	 * A lookup.
	 * @param exchange the non-blocking client's call
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param mapper the application's mapper
	 * @param limit the calls in flight at once, which each attempt waits for room under
	 * @param breaker the upstream's circuit breaker, which each attempt goes through once
	 * it has room
	 * @param onUse told of each lookup: the health probe starts at the first
	 * @param onRetry told of each call made again
	 */
	ReactiveUpstream(Function<Zone, Mono<Reply>> exchange, UpstreamProperties properties, WorldClock clock,
			JsonMapper mapper, UpstreamLimit limit, UpstreamBreaker breaker, Runnable onUse, Runnable onRetry) {
		this.limit = limit;
		this.breaker = breaker.circuitBreaker();
		this.exchange = exchange;
		this.onUse = onUse;
		this.baseUrl = properties.baseUrl();
		this.callTimeout = properties.callTimeout();
		this.retries = Retries.of(properties);
		this.fallback = new Fallback(properties.fallback(), clock);
		this.reader = Reply.reader(mapper);
		this.onRetry = onRetry;
	}

	/**
	 * Looks one zone up, when subscribed. The caller bounds it by the batch deadline
	 * (cancelling it cancels the call); this only never waits for a retry past it.
	 * @param zone the zone
	 * @param clientIp the caller's address
	 * @param deadline the batch deadline
	 * @return the outcome: upstream, fallback, or 502; never an error
	 */
	public Mono<Outcome> lookup(Zone zone, String clientIp, Deadline deadline) {
		this.onUse.run();
		return Mono.defer(() -> {
			long start = System.nanoTime();
			AtomicInteger attempts = new AtomicInteger();
			AtomicReference<UpstreamFailure> last = new AtomicReference<>();
			return this.limit.acquireLater()
				.flatMap((permit) -> attempt(zone, clientIp, attempts, permit))
				.retryWhen(Retry.from((signals) -> signals.concatMap((signal) -> {
					if (!(signal.failure() instanceof UpstreamFailure failure)) {
						// The breaker refused the attempt: no further one.
						return Mono.error(signal.failure());
					}
					last.set(failure);
					failure.logAttempt(this.baseUrl, zone, attempts.get());
					Duration delay = this.retries.delayAfter(attempts.get(), failure, deadline.remainingNanos());
					return (delay != null) ? Mono.delay(delay) : Mono.error(failure);
				})))
				.map((time) -> Outcome.answered(Source.UPSTREAM, time, System.nanoTime() - start))
				.onErrorResume(UpstreamFailure.class,
						(failure) -> Mono
							.fromSupplier(() -> this.fallback.after(failure, attempts.get(), zone, clientIp, start)))
				.onErrorResume(CallNotPermittedException.class, (refused) -> Mono
					.fromSupplier(() -> this.fallback.refused(last.get(), attempts.get(), zone, clientIp, start)));
		});
	}

	/**
	 * One attempt, with room under the concurrency limit: asks the breaker, calls, reads
	 * the answer, and releases the room with what the call told, or with nothing when it
	 * was refused or cancelled.
	 */
	private Mono<TimeObject> attempt(Zone zone, String clientIp, AtomicInteger attempts, UpstreamLimit.Permit permit) {
		return Mono.defer(() -> {
			if (attempts.incrementAndGet() > 1) {
				this.onRetry.run();
			}
			return this.exchange.apply(zone);
		})
			.timeout(this.callTimeout, Mono.error(() -> UpstreamFailure.timeout(this.callTimeout)))
			.<TimeObject>handle((reply, sink) -> {
				try {
					sink.next(reply.read(zone, clientIp, this.reader));
				}
				catch (UpstreamFailure ex) {
					sink.error(ex);
				}
			})
			.onErrorMap((ex) -> !(ex instanceof UpstreamFailure), UpstreamFailure::io)
			// Asks before each attempt, records its result or gives the permission back
			// when the attempt is cancelled.
			.transformDeferred(CircuitBreakerOperator.of(this.breaker))
			.doOnSuccess((time) -> permit.release(CallVerdict.SUCCESS))
			.doOnError((ex) -> permit
				.release((ex instanceof UpstreamFailure failure) ? failure.verdict() : CallVerdict.NONE))
			.doOnCancel(() -> permit.release(CallVerdict.NONE));
	}

}
