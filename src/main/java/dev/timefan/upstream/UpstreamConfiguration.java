package dev.timefan.upstream;

import java.time.Clock;

import dev.timefan.fanout.FanoutProperties;
import dev.timefan.fanout.Source;
import dev.timefan.fanout.SourceLookup;
import dev.timefan.time.WorldClock;
import dev.timefan.time.ZoneCatalog;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The upstream source's clients, lookups, retry counter, concurrency limit and circuit
 * breaker (with their meters), and its health: a background probe that every lookup
 * wakes, and the indicator that reads it and the breaker.
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

	/**
	 * One limit for every strategy of the service: they all call the same upstream. Its
	 * gauges show where it stands.
	 */
	@Bean
	UpstreamLimit upstreamLimit(UpstreamProperties properties, MeterRegistry registry) {
		UpstreamLimit limit = new UpstreamLimit(properties.concurrencyLimit(), properties.callTimeout(),
				System::nanoTime);
		Gauge.builder("timefan.upstream.limit", limit, UpstreamLimit::limit)
			.description("Upstream calls the adaptive concurrency limit lets this process have in flight at once")
			.baseUnit("calls")
			.register(registry);
		Gauge.builder("timefan.upstream.inflight", limit, UpstreamLimit::inflight)
			.description("Upstream calls in flight in this process")
			.baseUnit("calls")
			.register(registry);
		Gauge.builder("timefan.upstream.waiting", limit, UpstreamLimit::waiting)
			.description("Upstream calls waiting for room under the concurrency limit")
			.baseUnit("calls")
			.register(registry);
		return limit;
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
			JsonMapper mapper, UpstreamLimit limit, UpstreamBreaker breaker, UpstreamMetrics metrics,
			UpstreamProbe probe) {
		return new SourceLookup(Source.UPSTREAM, new UpstreamLookup(exchange, properties, clock, mapper, limit, breaker,
				probe::inUse, () -> metrics.retried("restclient", 1)));
	}

	@Bean
	WebClientExchange webClientExchange(WebClient.Builder builder, UpstreamProperties properties) {
		return new WebClientExchange(builder, properties);
	}

	@Bean
	ReactiveUpstream reactiveUpstream(WebClientExchange exchange, UpstreamProperties properties, WorldClock clock,
			JsonMapper mapper, UpstreamLimit limit, UpstreamBreaker breaker, UpstreamMetrics metrics,
			UpstreamProbe probe) {
		return new ReactiveUpstream(exchange::call, properties, clock, mapper, limit, breaker, probe::inUse,
				() -> metrics.retried("webclient", 1));
	}

	@Bean
	UpstreamHealthIndicator upstreamHealthIndicator(UpstreamProbe probe, UpstreamBreaker breaker,
			UpstreamProperties properties) {
		return new UpstreamHealthIndicator(probe, breaker, properties);
	}

}
