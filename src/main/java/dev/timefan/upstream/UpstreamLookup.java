package dev.timefan.upstream;

import java.net.URI;
import java.time.Duration;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.fanout.ZoneLookup;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

/**
 * The upstream source for the strategies that block a thread per item ({@code threads},
 * {@code virtual}, and each worker process): each attempt asks its {@link UpstreamGate}
 * first and records its result there; call, retry while {@link Retries} allows, then fall
 * back. An attempt the gate refuses ends the item at once: it falls back saying that the
 * upstream's circuit breaker is open. The batch deadline bounds it all: once it passes,
 * or the thread is interrupted for it, the item is 504. Each failed call is logged at
 * DEBUG with its detail; the item carries only its caller-terms reason.
 */
public final class UpstreamLookup implements ZoneLookup {

	/**
	 * For a lookup that is always handed a gate of its own: permits all, records nothing.
	 */
	private static final UpstreamGate UNGUARDED = new UpstreamGate() {

		@Override
		public boolean permits(Zone zone, int attempt) {
			return true;
		}

		@Override
		public void record(Zone zone, int attempt, long nanos, CallVerdict verdict) {
		}

	};

	private final Exchange exchange;

	private final URI baseUrl;

	private final Retries retries;

	private final Fallback fallback;

	private final ObjectReader reader;

	private final UpstreamGate gate;

	private final Runnable onUse;

	private final Runnable onRetry;

	/**
	 * A lookup.
	 * @param exchange the blocking client
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param mapper the application's mapper
	 * @param gate what each attempt asks first: the upstream's circuit breaker
	 * @param onUse told of each lookup: the health probe starts at the first
	 * @param onRetry told of each call made again
	 */
	UpstreamLookup(Exchange exchange, UpstreamProperties properties, WorldClock clock, JsonMapper mapper,
			UpstreamGate gate, Runnable onUse, Runnable onRetry) {
		this.exchange = exchange;
		this.onUse = onUse;
		this.baseUrl = properties.baseUrl();
		this.retries = Retries.of(properties);
		this.fallback = new Fallback(properties.fallback(), clock);
		this.reader = Reply.reader(mapper);
		this.gate = gate;
		this.onRetry = onRetry;
	}

	/**
	 * The lookup of a worker process: a client of its own, no Spring context, no health
	 * probe, and no gate of its own: each request hands it the one the service's breaker
	 * granted ({@link #lookup(Zone, String, Deadline, UpstreamGate)}).
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param onRetry told of each call made again
	 * @return the lookup
	 */
	public static UpstreamLookup standalone(UpstreamProperties properties, WorldClock clock, Runnable onRetry) {
		return new UpstreamLookup(new RestClientExchange(RestClient.builder(), properties), properties, clock,
				JsonMapper.builder().build(), UNGUARDED, () -> {
				}, onRetry);
	}

	@Override
	public Outcome lookup(Zone zone, String clientIp, Deadline deadline) {
		return lookup(zone, clientIp, deadline, this.gate);
	}

	/**
	 * Looks one zone up through a gate.
	 * @param zone the zone
	 * @param clientIp the caller's address
	 * @param deadline the batch deadline
	 * @param gate what each attempt asks first, and records its result in
	 * @return the outcome: upstream, fallback, 502 or 504
	 */
	public Outcome lookup(Zone zone, String clientIp, Deadline deadline, UpstreamGate gate) {
		this.onUse.run();
		long start = System.nanoTime();
		UpstreamFailure failure = null;
		for (int attempt = 1;; attempt++) {
			if (deadline.remainingNanos() <= 0) {
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			if (!gate.permits(zone, attempt)) {
				return this.fallback.refused(failure, attempt - 1, zone, clientIp, start);
			}
			if (attempt > 1) {
				this.onRetry.run();
			}
			long call = System.nanoTime();
			CallVerdict verdict = CallVerdict.NONE;
			try {
				TimeObject time = this.exchange.call(zone, deadline).read(zone, clientIp, this.reader);
				verdict = CallVerdict.SUCCESS;
				return Outcome.answered(Source.UPSTREAM, time, System.nanoTime() - start);
			}
			catch (UpstreamFailure ex) {
				ex.logAttempt(this.baseUrl, zone, attempt);
				verdict = ex.verdict();
				failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			finally {
				// Whatever happened, even an unforeseen exception: a permission is never
				// left unrecorded, or a half-open breaker would wait for it forever.
				gate.record(zone, attempt, System.nanoTime() - call, verdict);
			}
			Duration delay = this.retries.delayAfter(attempt, failure, deadline.remainingNanos());
			if (delay == null) {
				return (deadline.remainingNanos() > 0) ? this.fallback.after(failure, attempt, zone, clientIp, start)
						: Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
		}
	}

}
