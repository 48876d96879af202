package dev.timefan.upstream;

import java.time.Clock;

import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.Source;
import dev.timefan.fanout.SourceLookup;
import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The upstream source's clients, lookups, retry counter, circuit breaker (with its
 * Resilience4j meters), and its health: a background probe that every lookup wakes, and
 * the indicator that reads it and the breaker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamProperties.class)
class UpstreamConfiguration {

	@Bean
	UpstreamMetrics upstreamMetrics(MeterRegistry registry) {
		return new UpstreamMetrics(registry);
	}

	/**
	 * The breaker waits in its open state by the system clock, not by the application's
	 * {@link Clock}, which says what time the answers are for.
	 */
	@Bean
	UpstreamBreaker upstreamBreaker(UpstreamProperties properties, MeterRegistry registry) {
		UpstreamBreaker breaker = new UpstreamBreaker(properties.circuitBreaker(), Clock.systemUTC());
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breaker.registry()).bindTo(registry);
		return breaker;
	}

	@Bean
	RestClientExchange restClientExchange(RestClient.Builder builder, UpstreamProperties properties) {
		return new RestClientExchange(builder, properties);
	}

	@Bean
	UpstreamProbe upstreamProbe(RestClientExchange exchange, UpstreamProperties properties, FanoutProperties fanout,
			ZoneCatalog catalog, JsonMapper mapper, Clock clock) {
		boolean defaultSource = Source.requested(fanout.source()) == Source.UPSTREAM;
		return new UpstreamProbe(exchange, properties, defaultSource, catalog, mapper, clock);
	}

	@Bean
	SourceLookup upstreamSource(RestClientExchange exchange, UpstreamProperties properties, WorldClock clock,
			JsonMapper mapper, UpstreamBreaker breaker, UpstreamMetrics metrics, UpstreamProbe probe) {
		return new SourceLookup(Source.UPSTREAM, new UpstreamLookup(exchange, properties, clock, mapper, breaker,
				probe::inUse, () -> metrics.retried("restclient", 1)));
	}

	@Bean
	WebClientExchange webClientExchange(WebClient.Builder builder, UpstreamProperties properties) {
		return new WebClientExchange(builder, properties);
	}

	@Bean
	ReactiveUpstream reactiveUpstream(WebClientExchange exchange, UpstreamProperties properties, WorldClock clock,
			JsonMapper mapper, UpstreamBreaker breaker, UpstreamMetrics metrics, UpstreamProbe probe) {
		return new ReactiveUpstream(exchange::call, properties, clock, mapper, breaker, probe::inUse,
				() -> metrics.retried("webclient", 1));
	}

	@Bean
	UpstreamHealthIndicator upstreamHealthIndicator(UpstreamProbe probe, UpstreamBreaker breaker,
			UpstreamProperties properties) {
		return new UpstreamHealthIndicator(probe, breaker, properties);
	}

}
