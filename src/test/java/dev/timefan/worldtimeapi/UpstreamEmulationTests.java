package dev.timefan.worldtimeapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulation's properties and the filter's decisions, without a server: startup
 * validation, the spread of delays and failures, and the async bookkeeping.
 */
class UpstreamEmulationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsEmulateNothing() {
		this.runner.run((context) -> {
			EmulationProperties properties = context.getBean(EmulationProperties.class);
			assertThat(properties.latency()).isZero();
			assertThat(properties.jitter()).isZero();
			assertThat(properties.failureRate()).isZero();
			assertThat(properties.active()).isFalse();
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			latency=-1s        | timefan.emulation.latency must not be negative, got PT-1S
			jitter=-5ms        | timefan.emulation.jitter must not be negative, got PT-0.005S
			failure-rate=1.5   | timefan.emulation.failure-rate must be between 0 and 1, got 1.5
			failure-rate=-0.1  | timefan.emulation.failure-rate must be between 0 and 1, got -0.1
			failure-rate=NaN   | timefan.emulation.failure-rate must be between 0 and 1, got NaN
			""")
	void invalidPropertiesFailStartupNamingTheValue(String property, String message) {
		this.runner.withPropertyValues("timefan.emulation." + property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage(message));
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			latency=1ms,      true
			jitter=1ms,       true
			failure-rate=0.01, true
			failure-rate=0,   false
			latency=0s,       false
			""")
	void anyNonZeroPropertyTurnsEmulationOn(String property, boolean active) {
		this.runner.withPropertyValues("timefan.emulation." + property)
			.run((context) -> assertThat(context.getBean(EmulationProperties.class).active()).isEqualTo(active));
	}

	@Test
	void delaysSpreadUniformlyFromLatencyToLatencyPlusJitter() {
		UpstreamEmulationFilter filter = filter(Duration.ofMillis(200), Duration.ofMillis(100), 0);
		SplittableRandom random = new SplittableRandom(42);
		List<Duration> delays = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			UpstreamEmulationFilter.Plan plan = filter.plan(random);
			assertThat(plan.failure()).isFalse();
			delays.add(plan.delay());
		}
		assertThat(delays)
			.allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofMillis(200), Duration.ofMillis(300)));
		assertThat(delays).anySatisfy((delay) -> assertThat(delay).isLessThan(Duration.ofMillis(201)));
		assertThat(delays).anySatisfy((delay) -> assertThat(delay).isGreaterThan(Duration.ofMillis(299)));
		assertThat(delays.stream().filter((delay) -> delay.compareTo(Duration.ofMillis(250)) < 0).count())
			.isBetween(4_700L, 5_300L);
		filter.destroy();
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			0,    0,      0
			0.25, 2_300,  2_700
			1,    10_000, 10_000
			""")
	void failsTheConfiguredFractionOfRequests(double rate, long least, long most) {
		UpstreamEmulationFilter filter = filter(Duration.ZERO, Duration.ZERO, rate);
		SplittableRandom random = new SplittableRandom(7);
		long failures = 0;
		for (int i = 0; i < 10_000; i++) {
			UpstreamEmulationFilter.Plan plan = filter.plan(random);
			assertThat(plan.delay()).isZero();
			failures += plan.failure() ? 1 : 0;
		}
		assertThat(failures).isBetween(least, most);
		filter.destroy();
	}

	@Test
	void failureWithoutDelayIsAnsweredAtOnceWithoutTheHandler() throws Exception {
		UpstreamEmulationFilter filter = filter(Duration.ZERO, Duration.ZERO, 1);
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/timezone/Europe/London");
		request.setAsyncSupported(true);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(request.isAsyncStarted()).isFalse();
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).isEqualTo("application/json");
		assertThat(response.getContentAsString()).isEqualTo("{\"error\":\"emulated failure\"}");
		filter.destroy();
	}

	@Test
	void failureOfAPlainTextPathIsPlainText() throws Exception {
		UpstreamEmulationFilter filter = filter(Duration.ZERO, Duration.ZERO, 1);
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/timezone/Europe.txt");
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).isEqualTo("text/plain;charset=UTF-8");
		assertThat(response.getContentAsString(StandardCharsets.UTF_8)).isEqualTo("Error: emulated failure\n");
		filter.destroy();
	}

	@Test
	void aLongLatencyOutlastsTheContainersDefaultAsyncTimeout() throws Exception {
		UpstreamEmulationFilter filter = filter(Duration.ofHours(1), Duration.ZERO, 0);
		MockHttpServletRequest request = delayedRequest(filter);
		assertThat(request.getAsyncContext().getTimeout())
			.isEqualTo(Duration.ofHours(1).plus(UpstreamEmulationFilter.DISPATCH_GRACE).toMillis());
		assertThat(filter.pendingDispatches()).isOne();
		filter.destroy();
	}

	@Test
	void aCycleThatEndsBeforeItsDispatchLeavesNothingScheduled() throws Exception {
		UpstreamEmulationFilter filter = filter(Duration.ofHours(1), Duration.ZERO, 0);
		MockHttpServletRequest request = delayedRequest(filter);
		MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();
		assertThat(async.getListeners()).isNotEmpty();
		for (AsyncListener listener : async.getListeners()) {
			listener.onError(new AsyncEvent(async, new IOException("client gone")));
		}
		assertThat(filter.pendingDispatches()).isZero();
		filter.destroy();
	}

	@Test
	void anAsyncDispatchOfTheFilterAnswersWithThePlannedOutcome() throws Exception {
		UpstreamEmulationFilter filter = filter(Duration.ofHours(1), Duration.ZERO, 1);
		MockHttpServletRequest request = delayedRequest(filter);
		request.setDispatcherType(DispatcherType.ASYNC);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, response, chain);
		assertThat(chain.getRequest()).isNull();
		assertThat(response.getStatus()).isEqualTo(503);
		MockFilterChain later = new MockFilterChain();
		filter.doFilter(request, new MockHttpServletResponse(), later);
		assertThat(later.getRequest()).as("another async dispatch passes through").isSameAs(request);
		filter.destroy();
	}

	private static MockHttpServletRequest delayedRequest(UpstreamEmulationFilter filter) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/timezone/UTC");
		request.setAsyncSupported(true);
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, new MockHttpServletResponse(), chain);
		assertThat(request.isAsyncStarted()).isTrue();
		assertThat(chain.getRequest()).as("not answered before the delay").isNull();
		return request;
	}

	private static UpstreamEmulationFilter filter(Duration latency, Duration jitter, double failureRate) {
		return new UpstreamEmulationFilter(new EmulationProperties(latency, jitter, failureRate));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EmulationProperties.class)
	static class PropertiesConfiguration {

	}

}
