package dev.timefan.web;

import java.util.Map;

import dev.timefan.fanout.FanoutProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link RequestLimits} follow {@code timefan.batch.max-size}, and give way to what
 * the user sets.
 */
class RequestLimitsTests {

	@Test
	void defaultBatchSizeAllowsItsLongestGetBatch() {
		RequestLimits limits = limits(Map.of());
		assertThat(limits.maxHttpRequestHeaderBytes()).isEqualTo(1000 * 40 + 8192);
		assertThat(limits.maxParameterCount()).isEqualTo(1010);
	}

	@Test
	void largerBatchSizeRaisesBoth() {
		RequestLimits limits = limits(Map.of("timefan.batch.max-size", "5000"));
		assertThat(limits.maxHttpRequestHeaderBytes()).isEqualTo(5000 * 40 + 8192);
		assertThat(limits.maxParameterCount()).isEqualTo(5010);
	}

	@Test
	void smallBatchSizeNeverLowersBootsParameterCount() {
		RequestLimits limits = limits(Map.of("timefan.batch.max-size", "50"));
		assertThat(limits.maxHttpRequestHeaderBytes()).isEqualTo(50 * 40 + 8192);
		assertThat(limits.maxParameterCount()).isEqualTo(1000);
	}

	@Test
	void settingsTheUserMadeWinEvenWhenLower() {
		RequestLimits limits = limits(Map.of("timefan.batch.max-size", "5000", "server.max-http-request-header-size",
				"16KB", "server.tomcat.max-parameter-count", "200"));
		assertThat(limits.maxHttpRequestHeaderBytes()).isEqualTo(16 * 1024);
		assertThat(limits.maxParameterCount()).isEqualTo(200);
	}

	@Test
	void settingsAreReadInAnyRelaxedForm() {
		RequestLimits limits = limits(
				Map.of("server.maxHttpRequestHeaderSize", "1MB", "server.tomcat.max_parameter_count", "-1"));
		assertThat(limits.maxHttpRequestHeaderBytes()).isEqualTo(1024 * 1024);
		assertThat(limits.maxParameterCount()).isEqualTo(-1);
	}

	private static RequestLimits limits(Map<String, String> settings) {
		Binder binder = new Binder(new MapConfigurationPropertySource(settings));
		FanoutProperties fanout = binder.bindOrCreate("timefan", FanoutProperties.class);
		return RequestLimits.of(fanout, binder);
	}

}
