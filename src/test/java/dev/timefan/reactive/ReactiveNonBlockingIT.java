package dev.timefan.reactive;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.timefan.PatientClient;
import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof that the {@code reactive} strategy never blocks a non-blocking thread (Reactor
 * Netty's event loops, Reactor's parallel timers) with upstream calls, retries after a
 * 503 and {@code Retry-After}, and fallbacks. BlockHound instruments the JDK's blocking
 * methods and reports each call made on such a thread; it records rather than throws, so
 * that a blocking call cannot hide behind the strategy's own fallback. Failsafe runs it
 * in a JVM of its own: BlockHound's instrumentation cannot be undone.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timefan.upstream.backoff=5ms", "timefan.upstream.max-connections=16" })
class ReactiveNonBlockingIT {

	/** Every blocking call BlockHound saw on a non-blocking thread. */
	private static final Queue<String> blockingCalls = BlockingCalls.INSTALLED;

	private static final HttpServer upstream = startUpstream();

	/** Zones whose first call answers 503, then 429 with Retry-After: 0. */
	private static final Set<String> flaky = ConcurrentHashMap.newKeySet();

	private static final Map<String, Integer> calls = new ConcurrentHashMap<>();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("timefan.upstream.base-url", () -> "http://127.0.0.1:" + upstream.getAddress().getPort() + "/api");
	}

	@AfterAll
	static void stopUpstream() {
		upstream.stop(0);
	}

	@BeforeEach
	void forget() {
		blockingCalls.clear();
		calls.clear();
	}

	@Test
	void blockHoundCatchesABlockingCallOnAReactorThread() {
		Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5));
		System.err.println("DEBUG args " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
				+ " calls " + blockingCalls + " "
				+ Mono
					.fromCallable(() -> Thread.currentThread().getClass() + " nb=" + Schedulers.isInNonBlockingThread())
					.subscribeOn(Schedulers.parallel())
					.block()
				+ " installed=" + BlockHound.class.getClassLoader());

		assertThat(blockingCalls).hasSize(1).allMatch((call) -> call.startsWith("java.lang.Thread.sleep"));
	}

	@Test
	void upstreamBatchWithRetriesAndFallbacksBlocksNoEventLoop() {
		List<String> zones = ZoneCatalog.load()
			.names()
			.stream()
			.filter((name) -> name.contains("/"))
			.limit(200)
			.toList();
		flaky.addAll(zones.subList(0, 20));

		JsonNode batch = this.mapper.readTree(PatientClient.to(this.port)
			.post()
			.uri("/reactive/time?source=upstream")
			.contentType(MediaType.APPLICATION_JSON)
			.body(zones)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody());

		assertThat(batch.get("succeeded").intValue()).isEqualTo(zones.size());
		assertThat(batch.get("results").valueStream().map((item) -> item.get("source").stringValue()))
			.containsOnly("upstream");
		assertThat(calls.values()).filteredOn((count) -> count == 3).hasSize(20);
		assertThat(blockingCalls).isEmpty();
	}

	private static HttpServer startUpstream() {
		WorldClock clock = new WorldClock(Clock.systemUTC());
		ZoneCatalog catalog = ZoneCatalog.load();
		JsonMapper json = JsonMapper.builder().build();
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			server.createContext("/api/timezone/", (exchange) -> answer(exchange, clock, catalog, json));
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void answer(HttpExchange exchange, WorldClock clock, ZoneCatalog catalog, JsonMapper json)
			throws IOException {
		String zone = exchange.getRequestURI().getPath().substring("/api/timezone/".length());
		int call = calls.merge(zone, 1, Integer::sum);
		if (flaky.contains(zone) && call < 3) {
			exchange.getResponseHeaders().set("Retry-After", "0");
			exchange.sendResponseHeaders((call == 1) ? 503 : 429, -1);
			exchange.close();
			return;
		}
		byte[] body = json.writeValueAsString(clock.now(catalog.find(zone), "upstream"))
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	/**
	 * BlockHound, installed once for the JVM; a class of its own so that a callback on
	 * another thread never waits for the test class's initialization.
	 */
	private static final class BlockingCalls {

		static final Queue<String> INSTALLED = install();

		private static Queue<String> install() {
			Queue<String> calls = new ConcurrentLinkedQueue<>();
			// builder() starts bare: the libraries' own integrations
			// (Reactor's and Netty's say which threads are non-blocking
			// and which of their own waits are fine) are applied here.
			BlockHound.Builder builder = BlockHound.builder();
			ServiceLoader.load(BlockHoundIntegration.class).forEach(builder::with);
			builder
				.blockingMethodCallback(
						(method) -> calls.add(method + " on " + Thread.currentThread().getName() + "\n" + stack()))
				.install();
			return calls;
		}

		private static String stack() {
			StringBuilder stack = new StringBuilder();
			for (StackTraceElement frame : new Throwable().getStackTrace()) {
				stack.append("\tat ").append(frame).append('\n');
			}
			return stack.toString();
		}

	}

}
