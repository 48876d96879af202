package dev.timefan.ratelimit;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits' settings as Boot binds them: the defaults, the environment variables the
 * README shows, the capacities derived from them, and every bad value refused at start-up
 * with a message that names the setting and the value.
 */
class RateLimitPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsAreOffWithSaneLimitsForWhenEnabled() {
		this.runner.run((context) -> {
			RateLimitProperties properties = context.getBean(RateLimitProperties.class);
			assertThat(properties.enabled()).isFalse();
			assertThat(properties.requestsPerSecond()).isEqualTo(20);
			assertThat(properties.itemsPerSecond()).isEqualTo(1000);
			assertThat(properties.burst()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.maxClients()).isEqualTo(10_000);
			assertThat(properties.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
			assertThat(properties.requestCapacity()).isEqualTo(20);
			assertThat(properties.itemCapacity()).isEqualTo(1000);
		});
	}

	@Test
	void environmentVariablesSetEveryKey() {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-environment",
						Map.of("TIMEFAN_RATE_LIMIT_ENABLED", "true", "TIMEFAN_RATE_LIMIT_REQUESTS_PER_SECOND", "50",
								"TIMEFAN_RATE_LIMIT_ITEMS_PER_SECOND", "5000", "TIMEFAN_RATE_LIMIT_BURST", "2s",
								"TIMEFAN_RATE_LIMIT_MAX_CLIENTS", "1000", "TIMEFAN_RATE_LIMIT_IDLE_TIMEOUT", "5m"))))
			.run((context) -> assertThat(context.getBean(RateLimitProperties.class)).isEqualTo(
					new RateLimitProperties(true, 50, 5000, Duration.ofSeconds(2), 1000, Duration.ofMinutes(5))));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			# burst,  requests, items, request capacity, item capacity
			1s        | 20 | 1000 | 20  | 1000
			5s        | 20 | 1000 | 100 | 5000
			250ms     | 20 | 1000 | 5   | 250
			1500ms    | 3  | 7    | 4   | 10
			50ms      | 20 | 1000 | 1   | 50
			""")
	void aBucketHoldsTheBurstsWorthOfItsRate(String burst, int requests, int items, long requestCapacity,
			long itemCapacity) {
		this.runner.withPropertyValues("timefan.rate-limit.burst=" + burst,
				"timefan.rate-limit.requests-per-second=" + requests, "timefan.rate-limit.items-per-second=" + items)
			.run((context) -> {
				RateLimitProperties properties = context.getBean(RateLimitProperties.class);
				assertThat(properties.requestCapacity()).isEqualTo(requestCapacity);
				assertThat(properties.itemCapacity()).isEqualTo(itemCapacity);
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					requests-per-second=0       | timefan.rate-limit.requests-per-second must be between 1 and 1000000000, got 0
					items-per-second=-5         | timefan.rate-limit.items-per-second must be between 1 and 1000000000, got -5
					items-per-second=2000000000 | timefan.rate-limit.items-per-second must be between 1 and 1000000000, got 2000000000
					max-clients=0           | timefan.rate-limit.max-clients must be at least 1, got 0
					burst=0s                | timefan.rate-limit.burst must be positive, got PT0S
					burst=-1s               | timefan.rate-limit.burst must be positive, got PT-1S
					burst=10ms              | timefan.rate-limit.burst must be long enough for one token at 20 per second (PT0.05S or more), got PT0.01S
					idle-timeout=500ms      | timefan.rate-limit.idle-timeout must be at least the burst (PT1S, the time an empty bucket takes to refill), got PT0.5S
					""")
	void badValuesAreRefusedAtStartupNamingTheValue(String property, String message) {
		this.runner.withPropertyValues("timefan.rate-limit.enabled=true", "timefan.rate-limit." + property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage(message));
	}

	@Test
	void badValuesAreRefusedEvenWhileDisabled() {
		this.runner.withPropertyValues("timefan.rate-limit.requests-per-second=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("timefan.rate-limit.requests-per-second must be between 1 and 1000000000, got 0"));
	}

	@Test
	void aHugeBurstIsCappedRatherThanOverflowing() {
		this.runner
			.withPropertyValues("timefan.rate-limit.enabled=true", "timefan.rate-limit.burst=36500d",
					"timefan.rate-limit.idle-timeout=36500d", "timefan.rate-limit.items-per-second=1000000000")
			.run((context) -> {
				RateLimitProperties properties = context.getBean(RateLimitProperties.class);
				assertThat(properties.itemCapacity()).isEqualTo(Long.MAX_VALUE / 4);
				ClientRateLimits limits = ClientRateLimits.of(properties, new ManualTime(), new SimpleMeterRegistry());
				for (int i = 0; i < 2; i++) {
					assertThat(limits.tryTakeItems("198.51.100.7", Long.MAX_VALUE / 8)).isNull();
				}
				assertThat(limits.tryTakeItems("198.51.100.7", Long.MAX_VALUE / 8)).isNotNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RateLimitProperties.class)
	static class PropertiesConfiguration {

	}

}
