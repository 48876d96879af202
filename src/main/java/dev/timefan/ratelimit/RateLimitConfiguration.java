package dev.timefan.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The clients' limits, always a bean (the fan-out takes items from it; disabled, it holds
 * nothing), and their filter, registered only when the limits are enabled.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	private static final Log log = LogFactory.getLog(RateLimitConfiguration.class);

	/**
	 * The paths of the API, each with everything under it (a servlet pattern {@code /x/*}
	 * matches {@code /x} too): the default route, each strategy's routes, the comparison
	 * and the worldtimeapi API. Actuator, the OpenAPI description, its UI and the page at
	 * {@code /} are not limited.
	 */
	static final String[] LIMITED_PATHS = { "/time/*", "/threads/time/*", "/virtual/time/*", "/processes/time/*",
			"/reactive/time/*", "/compare/*", "/api/*" };

	/**
	 * After the filters that set the client's address from forwarded headers
	 * ({@code server.forward-headers-strategy=framework}) and that observe requests, so
	 * that refusals count in {@code http.server.requests}.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	@Bean
	ClientRateLimits clientRateLimits(RateLimitProperties properties, ObjectProvider<TimeMeter> time,
			MeterRegistry registry) {
		return ClientRateLimits.of(properties, time.getIfAvailable(() -> TimeMeter.SYSTEM_NANOTIME), registry);
	}

	@Bean
	@ConditionalOnBooleanProperty(RateLimitProperties.PREFIX + ".enabled")
	FilterRegistrationBean<RateLimitFilter> rateLimitFilter(ClientRateLimits limits,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems, JsonMapper mapper,
			Environment environment) {
		String warning = forwardedHeadersWarning(environment);
		if (warning != null) {
			log.warn(warning);
		}
		FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
				new RateLimitFilter(limits, problems, mapper));
		registration.setName("rateLimit");
		registration.addUrlPatterns(LIMITED_PATHS);
		// A request is counted once, when it arrives: not again when a reactive answer
		// comes back through the container (ASYNC), nor for an error page (ERROR).
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.setAsyncSupported(true);
		registration.setOrder(ORDER);
		return registration;
	}

	/**
	 * Why the client's address may not be the client's to limit by: Spring's
	 * {@code ForwardedHeaderFilter} ({@code server.forward-headers-strategy=framework})
	 * takes the left-most {@code X-Forwarded-For} address from any caller, so a client
	 * chooses its own; Tomcat's ({@code native}) takes it only from trusted proxies.
	 * @param environment the settings
	 * @return the warning, or null when there is nothing to warn of
	 */
	static @Nullable String forwardedHeadersWarning(PropertyResolver environment) {
		String strategy = environment.getProperty("server.forward-headers-strategy");
		if (!"framework".equalsIgnoreCase((strategy != null) ? strategy.trim() : null)) {
			return null;
		}
		return "Rate limits count each client by its address, and server.forward-headers-strategy=framework takes "
				+ "it from the left-most X-Forwarded-For address whoever sent it: a client can choose its own and "
				+ "escape its limits. Set server.forward-headers-strategy=native: Tomcat then takes it only from "
				+ "server.tomcat.remoteip.internal-proxies, reading the header from the right";
	}

}
