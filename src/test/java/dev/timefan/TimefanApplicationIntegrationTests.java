package dev.timefan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The seed's client ({@code get_time} mapped over a thread pool) rewritten in plain Java
 * against a running timefan: it works by changing only the base URL from worldtimeapi.org
 * to timefan.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class TimefanApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** worldtimeapi's datetime: local time, 6 fractional digits, numeric offset. */
	private static final String DATETIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}[+-]\\d{2}:\\d{2}";

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private ExecutorService pool;

	@BeforeEach
	void startPool() {
		this.pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
	}

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void getTimeReadsTheLocalDatetimeOfAZone() {
		OffsetDateTime before = OffsetDateTime.now();
		String datetime = getTime("Asia", "Kolkata");
		assertThat(datetime).matches(DATETIME).endsWith("+05:30");
		assertThat(OffsetDateTime.parse(datetime)).isBetween(before.minusSeconds(1), OffsetDateTime.now());
	}

	@Test
	void seedsPoolMapOfGetTimeAnswersEachCityInItsOwnOffset() throws Exception {
		List<String> datetimes = map(this::getTime, List.of("Asia", "Asia"), List.of("Kolkata", "Dhaka"));
		assertThat(datetimes).hasSize(2);
		assertThat(datetimes.get(0)).matches(DATETIME).endsWith("+05:30");
		assertThat(datetimes.get(1)).matches(DATETIME).endsWith("+06:00");
		OffsetDateTime now = OffsetDateTime.now();
		assertThat(datetimes).map(OffsetDateTime::parse)
			.allSatisfy((datetime) -> assertThat(datetime).isCloseTo(now, within(1, ChronoUnit.MINUTES)));
	}

	/**
	 * The seed's {@code get_time}: GET the zone, parse the JSON, answer its
	 * {@code datetime}.
	 */
	private String getTime(String continent, String city) {
		URI uri = URI.create("http://localhost:" + this.port + "/api/timezone/" + continent + "/" + city);
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
			return this.json.readTree(response.body()).get("datetime").stringValue();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while asking " + uri, ex);
		}
	}

	/**
	 * Python's {@code pool.map(fn, xs, ys)}: one task per pair, results in the order
	 * asked.
	 */
	private <T> List<T> map(BiFunction<String, String, T> function, List<String> first, List<String> second)
			throws Exception {
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < Math.min(first.size(), second.size()); i++) {
			String a = first.get(i);
			String b = second.get(i);
			futures.add(this.pool.submit(() -> function.apply(a, b)));
		}
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		return results;
	}

}
