package dev.timefan.fanout;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FanoutService}.
 */
@ExtendWith(OutputCaptureExtension.class)
class FanoutServiceTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final String CLIENT_IP = "203.0.113.7";

	/** Runs every lookup in the caller's thread. */
	private static final TestEngine INLINE = new TestEngine("threads",
			(job) -> job.zones().stream().map(job::lookup).toList());

	private static final Outcome NO_WORKER = Outcome.failed(503, "no worker process could be started", 0);

	private static final WorldClock CLOCK = new WorldClock(
			Clock.fixed(Instant.parse("2026-07-01T12:00:00Z"), ZoneOffset.UTC));

	private static final FanoutProperties PROPERTIES = new FanoutProperties("threads", "local",
			new FanoutProperties.Batch(1000, Duration.ofSeconds(10), DataSize.ofKilobytes(256)));

	/** The strategies the service admits requests for, each with the default capacity. */
	private static final FanoutEngines ENGINES = new FanoutEngines(
			List.of(INLINE, new TestEngine("virtual", INLINE.answer()), new TestEngine("processes", INLINE.answer())));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final FanoutService service = new FanoutService(CATALOG, CLOCK, PROPERTIES,
			new FanoutMetrics(this.registry), List.of(), ENGINES);

	@Test
	void aBatchAnswersEveryZoneInTheOrderAskedWithItsCanonicalName() {
		BatchResult result = this.service.batch(INLINE, List.of("asia/kolkata", "UTC", "Europe/Paris", "UTC", "gb"),
				null, CLIENT_IP);

		assertThat(result.strategy()).isEqualTo("threads");
		assertThat(result.source()).isEqualTo(Source.LOCAL);
		assertThat(result.size()).isEqualTo(5);
		assertThat(result.succeeded()).isEqualTo(5);
		assertThat(result.failed()).isZero();
		assertThat(result.results()).extracting(BatchResult.Item::zone)
			.containsExactly("asia/kolkata", "UTC", "Europe/Paris", "UTC", "gb");
		assertThat(result.results()).extracting((item) -> item.time().timezone())
			.containsExactly("Asia/Kolkata", "UTC", "Europe/Paris", "UTC", "GB");
		assertThat(result.results()).extracting(BatchResult.Item::source).containsOnly(Source.LOCAL);
		assertThat(result.results().getFirst().time().utcOffset()).isEqualTo("+05:30");
		assertThat(result.results().getFirst().time().clientIp()).isEqualTo(CLIENT_IP);
	}

	@Test
	void unknownZonesBecome404ItemsWithSuggestionsInTheirPosition() {
		BatchResult result = this.service.batch(INLINE,
				List.of("Asia/Kolkata", "Asia/Kolkatta", "asia/dhaka", "Mars/Olympus", "Asia/Kolkata"), null,
				CLIENT_IP);

		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(200, 404, 200, 404, 200);
		assertThat(result.results()).extracting(BatchResult.Item::zone)
			.containsExactly("Asia/Kolkata", "Asia/Kolkatta", "asia/dhaka", "Mars/Olympus", "Asia/Kolkata");
		BatchResult.Item misspelt = result.results().get(1);
		assertThat(misspelt.error()).isEqualTo("unknown time zone 'Asia/Kolkatta'");
		assertThat(misspelt.suggestions()).first().isEqualTo("Asia/Kolkata");
		assertThat(misspelt.time()).isNull();
		assertThat(misspelt.source()).isNull();
		assertThat(result.results().get(3).error()).isEqualTo("unknown time zone 'Mars/Olympus'");
		assertThat(result.results().get(3).suggestions()).as("nothing is close").isNotNull().isEmpty();
		assertThat(result.results().get(0).suggestions()).as("not a 404").isNull();
		assertThat(result.results().get(2).time().timezone()).isEqualTo("Asia/Dhaka");
		assertThat(result.succeeded()).isEqualTo(3);
		assertThat(result.failed()).isEqualTo(2);
	}

	@Test
	void aBatchOfOnlyUnknownZonesIsAnsweredWithoutRunningTheEngine() {
		FanoutEngine mustNotRun = new TestEngine("threads", (job) -> {
			throw new AssertionError("the engine ran for " + job.zones());
		});

		BatchResult result = this.service.batch(mustNotRun, List.of("Mars/Olympus", "Nowhere"), null, CLIENT_IP);

		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(404, 404);
		assertThat(result.failed()).isEqualTo(2);
	}

	@ParameterizedTest(name = "{0} zones")
	@CsvSource(textBlock = """
			0,    'empty batch: ask for at least one zone'
			1001, 'batch of 1001 zones is over the limit of 1000 (timefan.batch.max-size)'
			""")
	void batchesWithoutZonesOrOverTheLimitAreBadRequests(int size, String detail) {
		List<String> names = Collections.nCopies(size, "UTC");

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(INLINE, names, null, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).isEqualTo(detail);
				assertThat(ex.getBody().getType()).isEqualTo(URI.create("urn:timefan:problem:bad-request"));
			});
		assertThat(this.registry.find("timefan.batch").meters()).isEmpty();
	}

	@Test
	void aBatchOfTheMaximumSizeIsServed() {
		BatchResult result = this.service.batch(INLINE, Collections.nCopies(1000, "UTC"), null, CLIENT_IP);

		assertThat(result.size()).isEqualTo(1000);
		assertThat(result.succeeded()).isEqualTo(1000);
	}

	@ParameterizedTest(name = "source ''{0}''")
	@CsvSource(textBlock = """
			mars,     'unknown source ''mars'': expected local or upstream'
			fallback, 'unknown source ''fallback'': expected local or upstream'
			'',       'unknown source '''': expected local or upstream'
			""")
	void unknownSourcesAreBadRequests(String source, String detail) {
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(INLINE, List.of("UTC"), source, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).isEqualTo(detail);
			});
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.single(INLINE, "UTC", source, CLIENT_IP))
			.satisfies((ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(400));
	}

	@Test
	void theSourceIsMatchedCaseInsensitively() {
		BatchResult result = this.service.batch(INLINE, List.of("UTC"), "LOCAL", CLIENT_IP);

		assertThat(result.source()).isEqualTo(Source.LOCAL);
		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(200);
	}

	@Test
	void aBatchWhoseEveryItemIsUnavailableIs503WithRetryAfter() {
		FanoutEngine noWorkers = new TestEngine("processes",
				(job) -> job.zones().stream().map((zone) -> NO_WORKER).toList());

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(noWorkers, List.of("UTC", "GB", "UTC"), null, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(503);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
				assertThat(ex.getHeaders().getFirst(FanoutService.SERVER_TIMING)).startsWith("fanout;dur=");
				assertThat(ex.getBody().getDetail()).isEqualTo("no worker process could be started; retry later");
				assertThat(ex.getBody().getType()).isEqualTo(URI.create("urn:timefan:problem:unavailable"));
			});
		assertThat(timer("timefan.batch", "strategy", "processes", "source", "local", "outcome", "failure").count())
			.isOne();
		assertThat(timer("timefan.lookup", "strategy", "processes", "source", "local", "status", "503").count())
			.isEqualTo(3);
	}

	@Test
	void aBatchWithSomeItemsUnavailableIsAnsweredWithThemAs503Items() {
		FanoutEngine halfFull = new TestEngine("processes",
				(job) -> job.zones()
					.stream()
					.map((zone) -> zone.name().equals("GB") ? NO_WORKER : job.lookup(zone))
					.toList());

		BatchResult result = this.service.batch(halfFull, List.of("UTC", "GB"), null, CLIENT_IP);

		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(200, 503);
		assertThat(result.results().get(1).error()).isEqualTo("no worker process could be started");
		assertThat(result.succeeded()).isOne();
		assertThat(result.failed()).isOne();
	}

	@Test
	void aSingleLookupAnswersTheTimeObjectOfTheCanonicalZone() {
		FanoutService.Single single = this.service.single(INLINE, "asia/kolkata", null, CLIENT_IP);

		assertThat(single.time().timezone()).isEqualTo("Asia/Kolkata");
		assertThat(single.time().utcOffset()).isEqualTo("+05:30");
		assertThat(single.time().datetime()).isEqualTo("2026-07-01T17:30:00.000000+05:30");
		assertThat(single.elapsedMs()).isGreaterThanOrEqualTo(0);
		assertThat(timer("timefan.lookup", "strategy", "threads", "source", "local", "status", "200").count()).isOne();
		assertThat(timer("timefan.batch", "strategy", "threads", "source", "local", "outcome", "success").count())
			.isOne();
	}

	@Test
	void aSingleLookupOfAnUnknownZoneIs404WithSuggestions() {
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.single(INLINE, "Europe/Pariss", null, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(404);
				assertThat(ex.getBody().getDetail()).isEqualTo("unknown time zone 'Europe/Pariss'");
				assertThat(ex.getBody().getProperties()).containsKey("suggestions");
				assertThat(ex.getBody().getProperties().get("suggestions"))
					.asInstanceOf(InstanceOfAssertFactories.list(String.class))
					.first()
					.isEqualTo("Europe/Paris");
			});
		assertThat(timer("timefan.lookup", "strategy", "threads", "source", "local", "status", "404").count()).isOne();
	}

	@Test
	void aLookupThatThrowsFailsItsOwnItemWithACorrelationIdLoggedOnce(CapturedOutput output) {
		FanoutService throwing = new FanoutService(CATALOG, CLOCK, PROPERTIES, new FanoutMetrics(this.registry),
				List.of(new SourceLookup(Source.UPSTREAM, (zone, clientIp, deadline) -> {
					if (zone.name().equals("Etc/GMT+7")) {
						throw new IllegalStateException("internal detail at 10.1.2.3");
					}
					return Outcome.answered(Source.UPSTREAM, CLOCK.now(zone, clientIp), 0);
				})), ENGINES);

		BatchResult result = throwing.batch(INLINE, List.of("UTC", "Etc/GMT+7"), "upstream", CLIENT_IP);

		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(200, 500);
		String error = result.results().get(1).error();
		assertThat(error).matches("lookup failed \\(correlation id [0-9a-f]{8}\\)").doesNotContain("10.1.2.3");
		String id = error.replaceAll(".*id ([0-9a-f]+).*", "$1");
		assertThat(output.getAll()).containsOnlyOnce("correlation id " + id)
			.contains("java.lang.IllegalStateException: internal detail at 10.1.2.3")
			.contains("\tat ");
	}

	@Test
	void suggestionsAreComputedForABoundedNumberOfDistinctUnknownNamesPerBatch() {
		List<String> unknown = CATALOG.names()
			.stream()
			.filter((name) -> name.length() > 8)
			.limit(FanoutService.MAX_SUGGESTED_NAMES + 20)
			.map((name) -> name + "x")
			.toList();

		BatchResult result = this.service.batch(INLINE, unknown, null, CLIENT_IP);

		assertThat(result.results()).allSatisfy((item) -> assertThat(item.status()).isEqualTo(404));
		assertThat(result.results().subList(0, FanoutService.MAX_SUGGESTED_NAMES))
			.allSatisfy((item) -> assertThat(item.suggestions()).contains(item.zone().replaceAll("x$", "")));
		assertThat(result.results().subList(FanoutService.MAX_SUGGESTED_NAMES, unknown.size()))
			.allSatisfy((item) -> assertThat(item.suggestions()).isNotNull().isEmpty());
	}

	@Test
	void aBatchWithoutSuggestionsLeavesThemEmpty() {
		BatchResult result = this.service.batchWithoutSuggestions(INLINE, List.of("Asia/Kolkatta", "UTC"), null, null,
				CLIENT_IP);

		assertThat(result.results().getFirst().suggestions()).isNotNull().isEmpty();
		assertThat(result.results().get(1).status()).isEqualTo(200);
	}

	@Test
	void aSingleLookupThatMissesTheDeadlineIs504() {
		FanoutEngine late = new TestEngine("virtual",
				(job) -> job.zones().stream().map((zone) -> Outcome.timedOut(job.deadline(), 0)).toList());

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.single(late, "UTC", null, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(504);
				assertThat(ex.getBody().getDetail()).isEqualTo("missed the batch deadline of 10000 ms");
				assertThat(ex.getBody().getType()).isEqualTo(URI.create("urn:timefan:problem:deadline-exceeded"));
				assertThat(ex.getHeaders().getFirst(FanoutService.SERVER_TIMING)).startsWith("fanout;dur=");
			});
		assertThat(timer("timefan.lookup", "strategy", "virtual", "source", "local", "status", "504").count()).isOne();
	}

	@Test
	void aSingleLookupWithoutAWorkerIs503WithRetryAfter() {
		FanoutEngine noWorkers = new TestEngine("processes",
				(job) -> job.zones().stream().map((zone) -> NO_WORKER).toList());

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.single(noWorkers, "UTC", null, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(503);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			});
	}

	@Test
	void batchMetersCarryStrategySourceAndOutcome() {
		this.service.batch(INLINE, List.of("UTC", "GB"), null, CLIENT_IP);
		this.service.batch(INLINE, List.of("UTC", "Mars/Olympus"), null, CLIENT_IP);
		this.service.batch(INLINE, List.of("Mars/Olympus"), "local", CLIENT_IP);

		assertThat(timer("timefan.batch", "strategy", "threads", "source", "local", "outcome", "success").count())
			.isOne();
		assertThat(timer("timefan.batch", "strategy", "threads", "source", "local", "outcome", "partial").count())
			.isOne();
		assertThat(timer("timefan.batch", "strategy", "threads", "source", "local", "outcome", "failure").count())
			.isOne();
		assertThat(this.registry.get("timefan.batch.size").tags("strategy", "threads").summary().count()).isEqualTo(3);
		assertThat(this.registry.get("timefan.batch.size").tags("strategy", "threads").summary().totalAmount())
			.isEqualTo(5.0);
		assertThat(timer("timefan.lookup", "strategy", "threads", "source", "local", "status", "200").count())
			.isEqualTo(3);
		assertThat(timer("timefan.lookup", "strategy", "threads", "source", "local", "status", "404").count())
			.isEqualTo(2);
		assertThat(tagKeys("timefan.batch")).containsOnly(List.of("outcome", "source", "strategy"));
		assertThat(tagKeys("timefan.batch.size")).containsOnly(List.of("strategy"));
		assertThat(tagKeys("timefan.lookup")).containsOnly(List.of("source", "status", "strategy"));
		assertThat(tagKeys("timefan.inflight")).containsOnly(List.of("strategy"));
	}

	@Test
	void metersAreDescribedAndCarryTheirUnits() {
		this.service.batch(INLINE, List.of("UTC"), null, CLIENT_IP);

		assertThat(this.registry.get("timefan.batch.size").summary().getId().getBaseUnit()).isEqualTo("zones");
		assertThat(this.registry.get("timefan.inflight").gauge().getId().getBaseUnit()).isEqualTo("zones");
		// Micrometer's own gauges of a timer's buckets (a SimpleMeterRegistry publishes
		// them, tagged le) carry none.
		assertThat(this.registry.getMeters()).map(Meter::getId)
			.filteredOn((id) -> id.getTag("le") == null)
			.allSatisfy((id) -> assertThat(id.getDescription()).as(id.getName()).isNotBlank());
	}

	@Test
	void prometheusSeesTheContractNamesAndPercentileHistograms() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		FanoutService service = new FanoutService(CATALOG, CLOCK, PROPERTIES, new FanoutMetrics(prometheus), List.of(),
				ENGINES);

		service.batch(INLINE, List.of("UTC", "Mars/Olympus"), null, CLIENT_IP);

		assertThat(prometheus.scrape()).contains(
				"timefan_batch_seconds_bucket{outcome=\"partial\",source=\"local\",strategy=\"threads\",le=",
				"timefan_batch_size_zones_count{strategy=\"threads\"} 1",
				"timefan_lookup_seconds_bucket{source=\"local\",status=\"404\",strategy=\"threads\",le=",
				"timefan_lookup_seconds_count{source=\"local\",status=\"200\",strategy=\"threads\"} 1",
				"timefan_inflight_zones{strategy=\"threads\"} 0");
	}

	@Test
	void inflightCountsTheZonesOfARunningBatchThenReturnsToZero() {
		AtomicReference<@Nullable Double> during = new AtomicReference<>();
		FanoutEngine watching = new TestEngine("virtual", (job) -> {
			during.set(this.registry.get("timefan.inflight").tags("strategy", "virtual").gauge().value());
			return job.zones().stream().map(job::lookup).toList();
		});

		this.service.batch(watching, List.of("UTC", "GB", "Mars/Olympus"), null, CLIENT_IP);

		assertThat(during.get()).isEqualTo(3.0);
		assertThat(this.registry.get("timefan.inflight").tags("strategy", "virtual").gauge().value()).isZero();
	}

	@Test
	void inflightReturnsToZeroAfterAnUnavailableBatch() {
		FanoutEngine noWorkers = new TestEngine("processes",
				(job) -> job.zones().stream().map((zone) -> NO_WORKER).toList());

		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(noWorkers, List.of("UTC", "GB"), null, CLIENT_IP));

		assertThat(this.registry.get("timefan.inflight").tags("strategy", "processes").gauge().value()).isZero();
	}

	@Test
	void anEngineThatThrowsFailsItsItemsNotTheRequestAndInflightReturnsToZero() {
		FanoutEngine broken = new TestEngine("threads", (job) -> {
			throw new IllegalStateException("engine down");
		});

		BatchResult result = this.service.batch(broken, List.of("UTC", "GB", "Mars/Olympus"), null, CLIENT_IP);

		assertThat(result.results()).extracting(BatchResult.Item::status).containsExactly(500, 500, 404);
		assertThat(result.results().getFirst().error()).startsWith("lookup failed (correlation id ")
			.doesNotContain("engine down");
		assertThat(this.registry.get("timefan.inflight").tags("strategy", "threads").gauge().value()).isZero();
	}

	@Test
	void aRequestItsStrategyCannotTakeIsShedWholeWithoutReachingTheEngineWhileOthersAreServed() {
		PendingEngine busy = new PendingEngine("reactive", new Capacity(1, 1000));
		FanoutService service = new FanoutService(CATALOG, CLOCK, PROPERTIES, new FanoutMetrics(this.registry),
				List.of(), new FanoutEngines(List.of(INLINE, busy)));
		CompletableFuture<BatchResult> first = service.batchAsync(busy, List.of("UTC", "GB"), null, CLIENT_IP);

		assertThatExceptionOfType(Shed.class)
			.isThrownBy(() -> service.batchAsync(busy, List.of("Asia/Kolkata"), null, CLIENT_IP))
			.satisfies((shed) -> {
				assertThat(shed.getStatusCode().value()).isEqualTo(503);
				assertThat(shed.getBody().getType()).isEqualTo(URI.create("urn:timefan:problem:overloaded"));
				assertThat(shed.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("10");
			});
		assertThatExceptionOfType(Shed.class)
			.isThrownBy(() -> service.singleAsync(busy, "Asia/Kolkata", null, CLIENT_IP));
		assertThat(busy.jobs).as("a shed request never reaches the engine").hasSize(1);
		assertThat(this.registry.get("timefan.shed").tags("strategy", "reactive", "limit", "batches").counter().count())
			.isEqualTo(2);
		assertThat(service.batch(INLINE, List.of("UTC"), null, CLIENT_IP).succeeded())
			.as("another strategy is not held up")
			.isOne();

		busy.jobs.getFirst().complete();
		assertThat(first.join().succeeded()).isEqualTo(2);
		assertThat(service.batchAsync(busy, List.of("Asia/Kolkata"), null, CLIENT_IP)).isNotNull();
		assertThat(busy.jobs).hasSize(2);
	}

	@Test
	void aStrategyThatCouldNeverAdmitTheLargestBatchIsRefusedAtStartup() {
		PendingEngine small = new PendingEngine("virtual", new Capacity(4, 999));

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> new FanoutService(CATALOG, CLOCK, PROPERTIES, new FanoutMetrics(this.registry), List.of(),
					new FanoutEngines(List.of(small))))
			.withMessage("timefan.virtual.max-items (999) is below timefan.batch.max-size (1000): "
					+ "a batch of the largest size could never be admitted");
	}

	private Timer timer(String name, String... tags) {
		return this.registry.get(name).tags(tags).timer();
	}

	private List<List<String>> tagKeys(String name) {
		return this.registry.find(name)
			.meters()
			.stream()
			.map((meter) -> meter.getId().getTags().stream().map(Tag::getKey).toList())
			.toList();
	}

	/** An engine whose jobs complete when the test says so. */
	private record PendingEngine(String strategy, Capacity capacity, List<Pending> jobs) implements FanoutEngine {

		PendingEngine(String strategy, Capacity capacity) {
			this(strategy, capacity, new CopyOnWriteArrayList<>());
		}

		@Override
		public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
			Pending pending = new Pending(job, new CompletableFuture<>());
			this.jobs.add(pending);
			return pending.outcomes();
		}

	}

	private record Pending(FanoutJob job, CompletableFuture<List<Outcome>> outcomes) {

		void complete() {
			this.outcomes.complete(this.job.zones().stream().map(this.job::lookup).toList());
		}

	}

	/** An engine whose outcomes the test decides, in the caller's thread. */
	private record TestEngine(String strategy, Function<FanoutJob, List<Outcome>> answer) implements FanoutEngine {

		@Override
		public Capacity capacity() {
			return new Capacity(32, 16000);
		}

		@Override
		public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
			return CompletableFuture.completedFuture(this.answer.apply(job));
		}

	}

}
