package dev.timefan.reactive;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.timefan.PatientClient;
import dev.timefan.time.ZoneCatalog;
import dev.timefan.upstream.ScriptedUpstream.Step;
import dev.timefan.upstream.ScriptedUpstream;
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
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof that the {@code reactive} strategy never blocks a non-blocking thread (Reactor
 * Netty's event loops, Reactor's parallel timers) with upstream calls, retries after a
 * 503 and a 429 with {@code Retry-After}. BlockHound instruments the JDK's blocking
 * methods and reports each call made on such a thread; it records rather than throws, so
 * that a blocking call cannot hide behind the strategy's own fallback. Failsafe runs it
 * in a JVM of its own: BlockHound's instrumentation cannot be undone.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "timefan.upstream.backoff=5ms",
		"timefan.upstream.concurrency-limit.initial=16", "timefan.upstream.concurrency-limit.max=16" })
class ReactiveNonBlockingIT {

	/** Every blocking call BlockHound saw on a non-blocking thread. */
	private static final Queue<String> blockingCalls = BlockingCalls.INSTALLED;

	private static final ScriptedUpstream upstream = new ScriptedUpstream();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("timefan.upstream.base-url", upstream::baseUrl);
	}

	@AfterAll
	static void stopUpstream() {
		upstream.close();
	}

	@BeforeEach
	void forget() {
		blockingCalls.clear();
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
	void upstreamBatchWithRetriesBlocksNoEventLoop() {
		List<String> zones = ZoneCatalog.load()
			.names()
			.stream()
			.filter((name) -> name.contains("/"))
			.limit(200)
			.toList();
		// The first 20 answer 503, then 429, both with Retry-After: 0, then their time
		// object.
		List<String> flaky = zones.subList(0, 20)
			.stream()
			.map((zone) -> upstream.script(zone, Step.status(503, "Retry-After: 0"), Step.status(429, "Retry-After: 0"),
					Step.answer(zone)))
			.toList();

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
		assertThat(flaky).hasSize(20).allSatisfy((target) -> assertThat(upstream.requests(target)).isEqualTo(3));
		assertThat(blockingCalls).isEmpty();
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
