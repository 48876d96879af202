package dev.timefan.fanout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import dev.timefan.ratelimit.ClientRateLimits;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Everything around an engine, once for every strategy: resolving names through the
 * catalog, validating the batch, choosing the source, the deadline, assembling the
 * ordered result, the meters, and the problems a single lookup turns into.
 */
@Service
public class FanoutService {

	/**
	 * The most distinct unknown names of one batch that get suggestions: each costs tens
	 * of microseconds, so the bound caps a batch's extra work at a few milliseconds.
	 */
	static final int MAX_SUGGESTED_NAMES = 100;

	/** The header that tells how long the fan-out took. */
	public static final String SERVER_TIMING = "Server-Timing";

	/**
	 * The header that tells where an answer came from: a single lookup's {@code local},
	 * {@code upstream} or {@code fallback} (its body is the bare time object); a batch's
	 * source asked for, as in its body.
	 */
	public static final String SOURCE = "Timefan-Source";

	private final ZoneCatalog catalog;

	private final WorldClock clock;

	private final FanoutProperties properties;

	private final FanoutMetrics metrics;

	private final Map<Source, ZoneLookup> lookups;

	private final Source defaultSource;

	private final Map<String, Admission> admissions = new HashMap<>();

	private final ClientRateLimits rateLimits;

	FanoutService(ZoneCatalog catalog, WorldClock clock, FanoutProperties properties, FanoutMetrics metrics,
			List<SourceLookup> sources, FanoutEngines engines) {
		this(catalog, clock, properties, metrics, sources, engines, ClientRateLimits.none());
	}

	@Autowired
	FanoutService(ZoneCatalog catalog, WorldClock clock, FanoutProperties properties, FanoutMetrics metrics,
			List<SourceLookup> sources, FanoutEngines engines, ClientRateLimits rateLimits) {
		this.catalog = catalog;
		this.clock = clock;
		this.properties = properties;
		this.metrics = metrics;
		this.rateLimits = rateLimits;
		for (FanoutEngine engine : engines.all()) {
			Capacity capacity = engine.capacity();
			if (capacity.maxItems() < properties.batch().maxSize()) {
				throw new IllegalStateException("timefan." + engine.strategy() + ".max-items (" + capacity.maxItems()
						+ ") is below timefan.batch.max-size (" + properties.batch().maxSize()
						+ "): a batch of the largest size could never be admitted");
			}
			Admission admission = new Admission(engine.strategy(), capacity, properties.batch().timeout(),
					System::nanoTime);
			this.admissions.put(engine.strategy(), admission);
			metrics.admission(admission);
		}
		this.lookups = new EnumMap<>(Source.class);
		this.lookups.put(Source.LOCAL, new LocalLookup(clock));
		sources.forEach((source) -> this.lookups.put(source.source(), source.lookup()));
		this.defaultSource = Source.requested(properties.source());
	}

	/**
	 * One zone through an engine, waiting for it.
	 * @param engine the strategy
	 * @param name the zone as asked
	 * @param source the source asked for, or null for the default
	 * @param clientIp the caller's address
	 * @return the time object and how long the fan-out took
	 * @throws ErrorResponseException 404 with suggestions for an unknown zone; 503
	 * ({@link Shed}) when the strategy is at capacity; the item's status (500, 502, 503,
	 * 504) when it failed
	 */
	public Single single(FanoutEngine engine, String name, @Nullable String source, String clientIp) {
		return single(engine, name, source, null, clientIp);
	}

	/**
	 * One zone through an engine at an instant, waiting for it.
	 * @param engine the strategy
	 * @param name the zone as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant to answer for, or null for the present
	 * @param clientIp the caller's address
	 * @return the time object and how long the fan-out took
	 * @throws ErrorResponseException 404 with suggestions for an unknown zone; 400 for an
	 * instant with {@code source=upstream}; 503 ({@link Shed}) when the strategy is at
	 * capacity; the item's status (500, 502, 503, 504) when it failed
	 */
	public Single single(FanoutEngine engine, String name, @Nullable String source, @Nullable Instant at,
			String clientIp) {
		return join(singleAsync(engine, name, source, at, clientIp));
	}

	/**
	 * One zone through an engine, without waiting.
	 * @param engine the strategy
	 * @param name the zone as asked
	 * @param source the source asked for, or null for the default
	 * @param clientIp the caller's address
	 * @return the time object and how long the fan-out took; completes exceptionally with
	 * the item's status (500, 502, 503, 504) when it failed
	 * @throws ErrorResponseException 404 with suggestions for an unknown zone, 400 for an
	 * unknown source, 429 when the client is over its items limit, 503 ({@link Shed})
	 * when the strategy is at capacity
	 */
	public CompletableFuture<Single> singleAsync(FanoutEngine engine, String name, @Nullable String source,
			String clientIp) {
		return singleAsync(engine, name, source, null, clientIp);
	}

	/**
	 * One zone through an engine at an instant, without waiting.
	 * @param engine the strategy
	 * @param name the zone as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant to answer for, or null for the present
	 * @param clientIp the caller's address
	 * @return the time object and how long the fan-out took; completes exceptionally with
	 * the item's status (500, 502, 503, 504) when it failed
	 * @throws ErrorResponseException 404 with suggestions for an unknown zone, 400 for an
	 * unknown source or an instant with {@code source=upstream}, 429 when the client is
	 * over its items limit, 503 ({@link Shed}) when the strategy is at capacity
	 */
	public CompletableFuture<Single> singleAsync(FanoutEngine engine, String name, @Nullable String source,
			@Nullable Instant at, String clientIp) {
		Source requested = source(source, at);
		this.rateLimits.takeItems(clientIp, 1);
		Zone zone = this.catalog.find(name);
		if (zone == null) {
			this.metrics.lookup(engine.strategy(), requested, 404, 0);
			throw Problems.unknownZone(name, this.catalog.suggest(name));
		}
		long start = System.nanoTime();
		return admitted(engine.strategy(), 1, () -> run(engine, List.of(zone), requested, at, clientIp)).thenApply(
				(outcomes) -> single(engine.strategy(), requested, outcomes.getFirst(), System.nanoTime() - start));
	}

	private Single single(String strategy, Source requested, Outcome outcome, long nanos) {
		this.metrics.lookup(strategy, (outcome.source() != null) ? outcome.source() : requested, outcome.status(),
				outcome.nanos());
		this.metrics.batch(strategy, requested, 1, outcome.succeeded() ? 1 : 0, nanos);
		if (outcome.time() == null) {
			ErrorResponseException problem = Problems.itemFailed(outcome);
			problem.getHeaders().set(SERVER_TIMING, serverTiming(BatchResult.millis(nanos)));
			throw problem;
		}
		return new Single(outcome.time(), (outcome.source() != null) ? outcome.source() : requested,
				BatchResult.millis(nanos));
	}

	/**
	 * A batch through an engine, waiting for it.
	 * @param engine the strategy
	 * @param names the zones as asked, in order
	 * @param source the source asked for, or null for the default
	 * @param clientIp the caller's address
	 * @return the batch result
	 * @throws ErrorResponseException 400 for an empty or oversized batch or an unknown
	 * source; 503 ({@link Shed}) when the strategy is at capacity, or when no worker
	 * process could be started for any item
	 */
	public BatchResult batch(FanoutEngine engine, List<String> names, @Nullable String source, String clientIp) {
		return batch(engine, names, source, null, clientIp);
	}

	/**
	 * A batch through an engine at an instant, waiting for it.
	 * @param engine the strategy
	 * @param names the zones as asked, in order
	 * @param source the source asked for, or null for the default
	 * @param at the instant every item answers for, or null for the present
	 * @param clientIp the caller's address
	 * @return the batch result
	 * @throws ErrorResponseException 400 for an empty or oversized batch, an unknown
	 * source or an instant with {@code source=upstream}; 503 ({@link Shed}) when the
	 * strategy is at capacity, or when no worker process could be started for any item
	 */
	public BatchResult batch(FanoutEngine engine, List<String> names, @Nullable String source, @Nullable Instant at,
			String clientIp) {
		return join(batchAsync(engine, names, source, at, clientIp));
	}

	/**
	 * A batch through an engine, waiting for it, whose 404 items carry no suggestions:
	 * for a caller that does not show them ({@code /compare/time}), and that took the
	 * batch's items from the client's rate limit for all its runs ({@link #takeItems}).
	 */
	BatchResult batchWithoutSuggestions(FanoutEngine engine, List<String> names, @Nullable String source,
			@Nullable Instant at, String clientIp) {
		return join(fanOutBatch(engine, names, source, at, clientIp, false));
	}

	private static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

	/**
	 * A batch through an engine, without waiting.
	 * @param engine the strategy
	 * @param names the zones as asked, in order
	 * @param source the source asked for, or null for the default
	 * @param clientIp the caller's address
	 * @return the batch result, when every item has its outcome
	 * @throws ErrorResponseException 400 for an empty or oversized batch or an unknown
	 * source, 429 when the client is over its items limit, 503 ({@link Shed}) when the
	 * strategy is at capacity
	 */
	public CompletableFuture<BatchResult> batchAsync(FanoutEngine engine, List<String> names, @Nullable String source,
			String clientIp) {
		return batchAsync(engine, names, source, null, clientIp);
	}

	/**
	 * A batch through an engine at an instant, without waiting.
	 * @param engine the strategy
	 * @param names the zones as asked, in order
	 * @param source the source asked for, or null for the default
	 * @param at the instant every item answers for, or null for the present
	 * @param clientIp the caller's address
	 * @return the batch result, when every item has its outcome
	 * @throws ErrorResponseException 400 for an empty or oversized batch, an unknown
	 * source or an instant with {@code source=upstream}, 429 when the client is over its
	 * items limit, 503 ({@link Shed}) when the strategy is at capacity
	 */
	public CompletableFuture<BatchResult> batchAsync(FanoutEngine engine, List<String> names, @Nullable String source,
			@Nullable Instant at, String clientIp) {
		takeItems(names, source, at, clientIp, 1);
		return fanOutBatch(engine, names, source, at, clientIp, true);
	}

	/**
	 * Checks a batch before any of its work, then takes its items from the client's rate
	 * limit, once for each run: a comparison takes them once for all its runs, before the
	 * first, so that none is refused halfway.
	 * @param names the zones as asked
	 * @param source the source asked for, or null for the default
	 * @param at the instant the batch answers for, or null for the present
	 * @param clientIp the caller's address
	 * @param runs how many times the batch will run
	 * @throws ErrorResponseException 400 for an empty or oversized batch, an unknown
	 * source or an instant with {@code source=upstream}, 429 when the client is over its
	 * items limit
	 */
	void takeItems(List<String> names, @Nullable String source, @Nullable Instant at, String clientIp, int runs) {
		validateSize(names);
		source(source, at);
		this.rateLimits.takeItems(clientIp, (long) names.size() * runs);
	}

	/** A batch its caller has checked and taken the items of ({@link #takeItems}). */
	private CompletableFuture<BatchResult> fanOutBatch(FanoutEngine engine, List<String> names, @Nullable String source,
			@Nullable Instant at, String clientIp, boolean withSuggestions) {
		Source requested = source(source, at);
		return admitted(engine.strategy(), names.size(),
				() -> fanOutAdmitted(engine, names, requested, at, clientIp, withSuggestions));
	}

	private CompletableFuture<BatchResult> fanOutAdmitted(FanoutEngine engine, List<String> names, Source requested,
			@Nullable Instant at, String clientIp, boolean withSuggestions) {
		long start = System.nanoTime();
		@Nullable Zone[] resolved = new Zone[names.size()];
		List<Zone> zones = new ArrayList<>(names.size());
		for (int i = 0; i < resolved.length; i++) {
			resolved[i] = this.catalog.find(names.get(i));
			if (resolved[i] != null) {
				zones.add(resolved[i]);
			}
		}
		// Here, in the caller's thread, never where the engine completes (an event loop
		// for reactive).
		Map<String, List<String>> suggestions = withSuggestions ? suggestions(names, resolved) : Map.of();
		CompletableFuture<List<Outcome>> outcomes = zones.isEmpty() ? CompletableFuture.completedFuture(List.of())
				: run(engine, zones, requested, at, clientIp);
		return outcomes.thenApply((result) -> assemble(engine.strategy(), requested, names, resolved, suggestions,
				result, System.nanoTime() - start));
	}

	/**
	 * The suggestions of a batch's unknown names, each distinct name once, for at most
	 * {@value #MAX_SUGGESTED_NAMES} of them: a batch of unknown names costs about what a
	 * batch of known ones does. The names past the bound get an empty list.
	 */
	private Map<String, List<String>> suggestions(List<String> names, @Nullable Zone[] resolved) {
		Map<String, List<String>> suggestions = new HashMap<>();
		for (int i = 0; i < resolved.length && suggestions.size() < MAX_SUGGESTED_NAMES; i++) {
			if (resolved[i] == null) {
				suggestions.computeIfAbsent(names.get(i), this.catalog::suggest);
			}
		}
		return suggestions;
	}

	/**
	 * The {@code Server-Timing} value of a fan-out.
	 * @param elapsedMs how long it took, in milliseconds
	 * @return the header value
	 */
	public static String serverTiming(double elapsedMs) {
		return "fanout;dur=" + elapsedMs;
	}

	/**
	 * Runs a request's work once its strategy admitted all its zones, holding them (in
	 * {@code timefan.inflight}) until the work completes or throws; sheds it whole when
	 * the strategy cannot take them now.
	 */
	private <T> CompletableFuture<T> admitted(String strategy, int zones, Supplier<CompletableFuture<T>> work) {
		Admission.Ticket ticket;
		try {
			ticket = this.admissions.get(strategy).admit(zones);
		}
		catch (Shed shed) {
			this.metrics.shed(shed);
			throw shed;
		}
		try {
			return work.get().whenComplete((result, ex) -> ticket.release());
		}
		catch (RuntimeException ex) {
			ticket.release();
			throw ex;
		}
	}

	private CompletableFuture<List<Outcome>> run(FanoutEngine engine, List<Zone> zones, Source source,
			@Nullable Instant at, String clientIp) {
		ZoneLookup lookup = (at != null) ? new LocalLookup(this.clock, at) : this.lookups.get(source);
		if (lookup == null) {
			throw Problems.badRequest("source '" + source.wireName() + "' is not available in this version");
		}
		Deadline deadline = Deadline.after(this.properties.batch().timeout());
		FanoutJob job = new FanoutJob(engine.strategy(), zones, source, clientIp, deadline, lookup, at);
		long start = System.nanoTime();
		CompletableFuture<List<Outcome>> outcomes;
		try {
			outcomes = engine.fanOut(job);
		}
		catch (RuntimeException ex) {
			outcomes = CompletableFuture.failedFuture(ex);
		}
		// The failure boundary: an engine that fails spoils its items, never the request.
		return outcomes.exceptionally((ex) -> Collections.nCopies(zones.size(),
				job.failed((ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex,
						System.nanoTime() - start)));
	}

	private BatchResult assemble(String strategy, Source source, List<String> names, @Nullable Zone[] resolved,
			Map<String, List<String>> suggestions, List<Outcome> outcomes, long nanos) {
		List<BatchResult.Item> items = new ArrayList<>(names.size());
		int next = 0;
		int succeeded = 0;
		int unavailable = 0;
		String reason = null;
		for (int i = 0; i < resolved.length; i++) {
			String name = names.get(i);
			if (resolved[i] == null) {
				this.metrics.lookup(strategy, source, 404, 0);
				items.add(new BatchResult.Item(name, 404, null, null, "unknown time zone '" + Names.shorten(name) + "'",
						suggestions.getOrDefault(name, List.of())));
				continue;
			}
			Outcome outcome = outcomes.get(next++);
			this.metrics.lookup(strategy, (outcome.source() != null) ? outcome.source() : source, outcome.status(),
					outcome.nanos());
			succeeded += outcome.succeeded() ? 1 : 0;
			if (outcome.status() == 503) {
				unavailable++;
				reason = outcome.error();
			}
			items.add(new BatchResult.Item(name, outcome.status(), outcome.source(), outcome.time(), outcome.error(),
					null));
		}
		this.metrics.batch(strategy, source, names.size(), succeeded, nanos);
		if (unavailable == names.size()) {
			ErrorResponseException problem = Problems.unavailable(reason);
			problem.getHeaders().set(SERVER_TIMING, serverTiming(BatchResult.millis(nanos)));
			throw problem;
		}
		return new BatchResult(strategy, source, names.size(), succeeded, names.size() - succeeded,
				BatchResult.millis(nanos), items);
	}

	private void validateSize(List<String> names) {
		if (names.isEmpty()) {
			throw Problems.badRequest("empty batch: ask for at least one zone");
		}
		int max = this.properties.batch().maxSize();
		if (names.size() > max) {
			throw Problems.badRequest(
					"batch of " + names.size() + " zones is over the limit of " + max + " (timefan.batch.max-size)");
		}
	}

	/**
	 * The source of a request at an instant: only the local tz database answers for
	 * another instant than the present, so it is local unless the request named another,
	 * which is refused.
	 */
	Source source(@Nullable String value, @Nullable Instant at) {
		if (at == null) {
			return source(value);
		}
		if (value == null) {
			return Source.LOCAL;
		}
		Source requested = source(value);
		if (requested != Source.LOCAL) {
			throw Problems.badRequest("source=" + requested.wireName()
					+ " cannot answer at=: an upstream knows only the present, so at= is answered from the local "
					+ "tz database; drop source=" + requested.wireName() + " or ask source=local");
		}
		return requested;
	}

	Source source(@Nullable String value) {
		if (value == null) {
			return this.defaultSource;
		}
		try {
			return Source.requested(value);
		}
		catch (IllegalArgumentException ex) {
			throw Problems.badRequest(ex.getMessage());
		}
	}

	/**
	 * A single lookup's answer.
	 *
	 * @param time the time object
	 * @param source where it came from: local, upstream or fallback
	 * @param elapsedMs how long the fan-out took, in milliseconds
	 */
	public record Single(TimeObject time, Source source, double elapsedMs) {

	}

}
