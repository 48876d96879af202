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
 * {@code virtual}, and each worker process): call, retry while {@link Retries} allows,
 * then fall back. The batch deadline bounds it all: once it passes, or the thread is
 * interrupted for it, the item is 504. Each failed call is logged at DEBUG with its
 * detail; the item carries only its caller-terms reason.
 */
public final class UpstreamLookup implements ZoneLookup {

	private final Exchange exchange;

	private final URI baseUrl;

	private final Retries retries;

	private final Fallback fallback;

	private final ObjectReader reader;

	private final Runnable onUse;

	private final Runnable onRetry;

	/**
	 * A lookup.
	 * @param exchange the blocking client
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param mapper the application's mapper
	 * @param onUse told of each lookup: the health probe starts at the first
	 * @param onRetry told of each retry
	 */
	UpstreamLookup(Exchange exchange, UpstreamProperties properties, WorldClock clock, JsonMapper mapper,
			Runnable onUse, Runnable onRetry) {
		this.exchange = exchange;
		this.onUse = onUse;
		this.baseUrl = properties.baseUrl();
		this.retries = Retries.of(properties);
		this.fallback = new Fallback(properties.fallback(), clock);
		this.reader = Reply.reader(mapper);
		this.onRetry = onRetry;
	}

	/**
	 * The lookup of a worker process: a client of its own, no Spring context, no health
	 * probe.
	 * @param properties the upstream's settings
	 * @param clock the local clock, for fallbacks
	 * @param onRetry told of each retry
	 * @return the lookup
	 */
	public static UpstreamLookup standalone(UpstreamProperties properties, WorldClock clock, Runnable onRetry) {
		return new UpstreamLookup(new RestClientExchange(RestClient.builder(), properties), properties, clock,
				JsonMapper.builder().build(), () -> {
				}, onRetry);
	}

	@Override
	public Outcome lookup(Zone zone, String clientIp, Deadline deadline) {
		this.onUse.run();
		long start = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			if (deadline.remainingNanos() <= 0) {
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			UpstreamFailure failure;
			try {
				TimeObject time = this.exchange.call(zone, deadline).read(zone, clientIp, this.reader);
				return Outcome.answered(Source.UPSTREAM, time, System.nanoTime() - start);
			}
			catch (UpstreamFailure ex) {
				ex.logAttempt(this.baseUrl, zone, attempt);
				failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			Duration delay = this.retries.delayAfter(attempt, failure, deadline.remainingNanos());
			if (delay == null) {
				return (deadline.remainingNanos() > 0) ? this.fallback.after(failure, attempt, zone, clientIp, start)
						: Outcome.timedOut(deadline, System.nanoTime() - start);
			}
			this.onRetry.run();
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
