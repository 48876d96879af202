package dev.timefan.web;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.cors.CorsConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CORS settings as Boot binds them: open by default, origins and patterns as
 * configured, and anything that is not an origin refused at start-up with a message
 * naming the setting and the value.
 */
class CorsPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsToEveryOriginAndHalfAnHourOfPreflightCache() {
		this.runner.run((context) -> {
			CorsProperties properties = context.getBean(CorsProperties.class);
			assertThat(properties.allowedOrigins()).containsExactly("*");
			assertThat(properties.allowsAll()).isTrue();
			assertThat(properties.maxAge()).isEqualTo(Duration.ofMinutes(30));
			CorsConfiguration configuration = CrossOriginConfiguration.configuration(properties, HttpMethod.GET);
			assertThat(configuration.checkOrigin("https://anywhere.example")).isEqualTo("*");
			assertThat(configuration.getAllowCredentials()).isFalse();
		});
	}

	@Test
	void takesAListOfOriginsAndPatterns() {
		this.runner
			.withPropertyValues("timefan.cors.allowed-origins=https://clock.example.org, https://*.example.net, "
					+ "http://localhost:[*]")
			.run((context) -> {
				CorsProperties properties = context.getBean(CorsProperties.class);
				assertThat(properties.allowsAll()).isFalse();
				CorsConfiguration configuration = CrossOriginConfiguration.configuration(properties, HttpMethod.GET);
				assertThat(configuration.checkOrigin("https://clock.example.org"))
					.isEqualTo("https://clock.example.org");
				assertThat(configuration.checkOrigin("https://hall.example.net")).isEqualTo("https://hall.example.net");
				assertThat(configuration.checkOrigin("http://localhost:5173")).isEqualTo("http://localhost:5173");
				assertThat(configuration.checkOrigin("https://evil.example.com")).isNull();
				assertThat(configuration.checkOrigin("http://clock.example.org")).isNull();
			});
	}

	@Test
	void anEmptyListRefusesEveryOrigin() {
		this.runner.withPropertyValues("timefan.cors.allowed-origins=").run((context) -> {
			CorsProperties properties = context.getBean(CorsProperties.class);
			assertThat(properties.allowedOrigins()).isEmpty();
			assertThat(CrossOriginConfiguration.configuration(properties, HttpMethod.GET)
				.checkOrigin("https://clock.example.org")).isNull();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "clock.example.org", "https://clock.example.org/", "https://clock.example.org/page",
			"https://", "*.example.org", "https://clock.example.org?x" })
	void refusesWhatIsNotAnOrigin(String origin) {
		this.runner.withPropertyValues("timefan.cors.allowed-origins=" + origin)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("timefan.cors.allowed-origins")
				.hasMessageContaining("'" + origin + "'"));
	}

	@Test
	void refusesANegativeMaxAge() {
		this.runner.withPropertyValues("timefan.cors.max-age=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("timefan.cors.max-age must not be negative, got PT-1S"));
	}

	@Test
	void copiesTheList() {
		List<String> origins = new java.util.ArrayList<>(List.of("https://clock.example.org"));
		CorsProperties properties = new CorsProperties(origins, Duration.ZERO);
		origins.add("*");
		assertThat(properties.allowsAll()).isFalse();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(CorsProperties.class)
	static class PropertiesConfiguration {

	}

}
