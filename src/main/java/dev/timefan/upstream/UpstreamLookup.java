package dev.timefan.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import dev.timefan.fanout.Deadline;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.fanout.ZoneLookup;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

/**
 * The upstream source for the strategies that block a thread per item ({@code threads},
 * {@code virtual}, and each worker process): each attempt waits for room under the
 * process's {@link UpstreamLimit}, then asks its {@link UpstreamGate} and records its
 * result in both; call, retry while {@link Retries} allows, then fall back. An attempt
 * the gate refuses ends the item at once: it falls back saying that the upstream's
 * circuit breaker is open. The batch deadline bounds it all: once it passes, or the
 * thread is interrupted for it, the item is 504. Each failed call is logged at DEBUG with
 * its detail; the item carries only its caller-terms reason.
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

	/** The client and its reader, made when a call is first permitted. */
	private final Supplier<Client> client;

	private final URI baseUrl;

	private final Retries retries;

	private final Fallback fallback;

	private final UpstreamLimit limit;

	private final UpstreamGate gate;

	private final Runnable onUse;

	private final Runnable onRetry;

	/**
	 * A lookup.
	 * @param exchange the blocking client
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param mapper the application's mapper
	 * @param limit the calls in flight at once, which each attempt waits for room under
	 * @param gate what each attempt asks once it has room: the upstream's circuit breaker
	 * @param onUse told of each lookup: the health probe starts at the first
	 * @param onRetry told of each call made again
	 */
	UpstreamLookup(Exchange exchange, UpstreamProperties properties, WorldClock clock, JsonMapper mapper,
			UpstreamLimit limit, UpstreamGate gate, Runnable onUse, Runnable onRetry) {
		this(properties, clock, new Client(exchange, Reply.reader(mapper))::self, limit, gate, onUse, onRetry);
	}

	private UpstreamLookup(UpstreamProperties properties, WorldClock clock, Supplier<Client> client,
			UpstreamLimit limit, UpstreamGate gate, Runnable onUse, Runnable onRetry) {
		this.client = client;
		this.limit = limit;
		this.onUse = onUse;
		this.baseUrl = properties.baseUrl();
		this.retries = Retries.of(properties);
		this.fallback = new Fallback(properties.fallback(), clock);
		this.gate = gate;
		this.onRetry = onRetry;
	}

	/**
	 * The lookup of a worker process: a client of its own, no Spring context, no health
	 * probe, and no gate of its own: each request hands it the one the service's breaker
	 * granted ({@link #lookup(Zone, String, Deadline, UpstreamGate)}). The client, which
	 * a cold worker takes a second or more to make, is made when a call is first
	 * permitted (or by {@link #prepare()}): items the breaker refuses fall back at once.
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param onRetry told of each call made again
	 * @return the lookup
	 */
	public static UpstreamLookup standalone(UpstreamProperties properties, WorldClock clock, Runnable onRetry) {
		Supplier<Client> client = new Supplier<>() {

			private @Nullable Client made;

			@Override
			public synchronized Client get() {
				if (this.made == null) {
					this.made = new Client(new RestClientExchange(RestClient.builder(), properties),
							Reply.reader(JsonMapper.builder().build()));
				}
				return this.made;
			}

		};
		return new UpstreamLookup(properties, clock, client,
				new UpstreamLimit(properties.concurrencyLimit(), properties.callTimeout(), System::nanoTime), UNGUARDED,
				() -> {
				}, onRetry);
	}

	/** Makes the client now, if it is not made yet, rather than at the first call. */
	public void prepare() {
		this.client.get();
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
			UpstreamLimit.Permit permit;
			try {
				permit = this.limit.acquire(deadline.remainingNanos());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			if (permit == null) {
				// No room under the concurrency limit before the deadline.
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			if (!gate.permits(zone, attempt)) {
				permit.release(CallVerdict.NONE);
				return this.fallback.refused(failure, attempt - 1, zone, clientIp, start);
			}
			if (attempt > 1) {
				this.onRetry.run();
			}
			long call = System.nanoTime();
			CallVerdict verdict = CallVerdict.NONE;
			try {
				Client client = this.client.get();
				// A worker's client, made at its first call, is no part of the call's
				// time.
				call = System.nanoTime();
				TimeObject time = client.exchange().call(zone).read(zone, clientIp, client.reader());
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
				permit.release(verdict);
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

	/** The blocking client and the reader of its answers. */
	private record Client(Exchange exchange, ObjectReader reader) {

		Client self() {
			return this;
		}

	}

}
