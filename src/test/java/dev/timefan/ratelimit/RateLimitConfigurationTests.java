package dev.timefan.ratelimit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warning given at start-up when the client's address is the client's to choose.
 */
class RateLimitConfigurationTests {

	@ParameterizedTest
	@ValueSource(strings = { "framework", "FRAMEWORK", " framework " })
	void theFrameworkStrategyIsWarnedOf(String strategy) {
		MockEnvironment environment = new MockEnvironment().withProperty("server.forward-headers-strategy", strategy);
		assertThat(RateLimitConfiguration.forwardedHeadersWarning(environment)).contains("left-most X-Forwarded-For")
			.contains("server.forward-headers-strategy=native");
	}

	@ParameterizedTest
	@ValueSource(strings = { "native", "none", "NATIVE" })
	void otherStrategiesAreNot(String strategy) {
		MockEnvironment environment = new MockEnvironment().withProperty("server.forward-headers-strategy", strategy);
		assertThat(RateLimitConfiguration.forwardedHeadersWarning(environment)).isNull();
	}

	@Test
	void noStrategyIsNot() {
		assertThat(RateLimitConfiguration.forwardedHeadersWarning(new MockEnvironment())).isNull();
	}

}
