package dev.timefan.fanout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FanoutService} at an instant asked for ({@code ?at=}): every item
 * answers for it, the job carries it to engines that answer elsewhere (worker processes),
 * and only the local tz database answers it.
 */
class FanoutServiceAtTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final String CLIENT_IP = "203.0.113.7";

	/** The clock's present, which an answer at another instant must not show. */
	private static final Instant NOW = Instant.parse("2026-07-01T12:00:00Z");

	/** London's clocks go forward at this instant. */
	private static final Instant AT = Instant.parse("2026-03-29T01:00:00Z");

	private static final WorldClock CLOCK = new WorldClock(Clock.fixed(NOW, ZoneOffset.UTC));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final RecordingEngine engine = new RecordingEngine();

	private final FanoutService service = service("local");

	@Test
	void everyItemOfABatchAnswersForTheInstantAsked() {
		BatchResult result = this.service.batch(this.engine, List.of("Europe/London", "gb", "Asia/Kolkata"), null, AT,
				CLIENT_IP);

		assertThat(result.source()).isEqualTo(Source.LOCAL);
		assertThat(result.results()).extracting(BatchResult.Item::time)
			.containsExactly(CLOCK.at(CATALOG.find("Europe/London"), AT, CLIENT_IP),
					CLOCK.at(CATALOG.find("GB"), AT, CLIENT_IP), CLOCK.at(CATALOG.find("Asia/Kolkata"), AT, CLIENT_IP));
		TimeObject london = result.results().getFirst().time();
		assertThat(london.datetime()).isEqualTo("2026-03-29T02:00:00.000000+01:00");
		assertThat(london.abbreviation()).isEqualTo("BST");
	}

	@Test
	void aSingleLookupAnswersForTheInstantAsked() {
		FanoutService.Single single = this.service.single(this.engine, "America/New_York", "local", AT, CLIENT_IP);

		assertThat(single.source()).isEqualTo(Source.LOCAL);
		assertThat(single.time().datetime()).isEqualTo("2026-03-28T21:00:00.000000-04:00");
		assertThat(single.time().unixtime()).isEqualTo(AT.getEpochSecond());
	}

	@Test
	void theJobCarriesTheInstantToTheEngineAndNullForThePresent() {
		this.service.batch(this.engine, List.of("UTC"), null, AT, CLIENT_IP);
		this.service.batch(this.engine, List.of("UTC"), null, CLIENT_IP);
		this.service.single(this.engine, "UTC", null, AT, CLIENT_IP);

		assertThat(this.engine.jobs).extracting(FanoutJob::at).containsExactly(AT, null, AT);
		assertThat(this.engine.jobs.get(1).lookup(CATALOG.find("UTC")).time().utcDatetime())
			.isEqualTo("2026-07-01T12:00:00.000000+00:00");
	}

	@ParameterizedTest(name = "source={0}")
	@CsvSource(textBlock = """
			upstream
			UPSTREAM
			""")
	void anInstantWithTheUpstreamSourceIsABadRequest(String source) {
		String detail = "source=upstream cannot answer at=: an upstream knows only the present, so at= is answered "
				+ "from the local tz database; drop source=upstream or ask source=local";
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(this.engine, List.of("UTC"), source, AT, CLIENT_IP))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(400);
				assertThat(ex.getBody().getDetail()).isEqualTo(detail);
			});
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.single(this.engine, "UTC", source, AT, CLIENT_IP))
			.satisfies((ex) -> assertThat(ex.getBody().getDetail()).isEqualTo(detail));
		assertThat(this.engine.jobs).isEmpty();
	}

	@Test
	void anInstantWithoutASourceIsLocalWhereTheDefaultIsUpstream() {
		FanoutService upstreamByDefault = service("upstream");

		BatchResult result = upstreamByDefault.batch(this.engine, List.of("Europe/London"), null, AT, CLIENT_IP);

		assertThat(result.source()).isEqualTo(Source.LOCAL);
		assertThat(result.results().getFirst().source()).isEqualTo(Source.LOCAL);
		assertThat(result.results().getFirst().time().unixtime()).isEqualTo(AT.getEpochSecond());
		assertThat(this.engine.jobs.getFirst().source()).isEqualTo(Source.LOCAL);
	}

	@Test
	void anUnknownSourceIsStillNamedWithAnInstant() {
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.service.batch(this.engine, List.of("UTC"), "mars", AT, CLIENT_IP))
			.satisfies((ex) -> assertThat(ex.getBody().getDetail())
				.isEqualTo("unknown source 'mars': expected local or upstream"));
	}

	private FanoutService service(String defaultSource) {
		FanoutProperties properties = new FanoutProperties("threads", defaultSource,
				new FanoutProperties.Batch(1000, Duration.ofSeconds(10), DataSize.ofKilobytes(256)));
		// An upstream that must never be asked: it would answer the present.
		SourceLookup upstream = new SourceLookup(Source.UPSTREAM, (zone, clientIp, deadline) -> {
			throw new AssertionError("the upstream was asked for " + zone);
		});
		return new FanoutService(CATALOG, CLOCK, properties, new FanoutMetrics(this.registry), List.of(upstream),
				new FanoutEngines(List.of(this.engine)));
	}

	/** Answers in the caller's thread and keeps every job. */
	private static final class RecordingEngine implements FanoutEngine {

		private final List<FanoutJob> jobs = new CopyOnWriteArrayList<>();

		@Override
		public String strategy() {
			return "threads";
		}

		@Override
		public Capacity capacity() {
			return new Capacity(32, 16000);
		}

		@Override
		public CompletableFuture<List<Outcome>> fanOut(FanoutJob job) {
			this.jobs.add(job);
			return CompletableFuture.completedFuture(job.zones().stream().map(job::lookup).toList());
		}

	}

}
