package dev.timefan.web;

import java.util.List;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * CORS for the read-only API ({@link CorsProperties}), as a filter in front of everything
 * else that answers: a preflight is answered before the rate limits count it, and every
 * answer to an allowed origin carries the CORS headers, a 429 from the rate limits or a
 * problem included, so that a page can read why it was refused.
 */
@Configuration(proxyBeanMethods = false)
class CrossOriginConfiguration {

	/**
	 * The read-only rest: the worldtimeapi API, a zone's transitions, conversion and the
	 * comparison page's figures. GET only.
	 */
	static final List<String> READ_ONLY = List.of("/api/**", "/zones/**", "/convert", "/page/stats");

	/**
	 * The fan-out's default route, each strategy's routes and the comparison
	 * ({@code /compare/time}): GET and POST.
	 */
	static final List<String> FAN_OUT = List.of("/time/**", "/*/time/**");

	/**
	 * After the filters that set the client's address from forwarded headers and that
	 * observe requests (so that a refusal counts in {@code http.server.requests}), before
	 * the rate limits.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

	/** What a page may read of an answer besides the safelisted headers. */
	private static final List<String> EXPOSED = List.of(HttpHeaders.RETRY_AFTER, "Server-Timing", "Timefan-Source");

	@Bean
	FilterRegistrationBean<CrossOriginFilter> crossOriginFilter(CorsProperties properties,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		CorsConfiguration readOnly = configuration(properties, HttpMethod.GET, HttpMethod.HEAD);
		READ_ONLY.forEach((pattern) -> source.registerCorsConfiguration(pattern, readOnly));
		CorsConfiguration fanOut = configuration(properties, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST);
		FAN_OUT.forEach((pattern) -> source.registerCorsConfiguration(pattern, fanOut));
		FilterRegistrationBean<CrossOriginFilter> registration = new FilterRegistrationBean<>(
				new CrossOriginFilter(source, problems));
		registration.setName("crossOrigin");
		// Once, when the request arrives; the headers set then stay on the answer.
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.setAsyncSupported(true);
		registration.setOrder(ORDER);
		return registration;
	}

	static CorsConfiguration configuration(CorsProperties properties, HttpMethod... methods) {
		CorsConfiguration configuration = new CorsConfiguration();
		if (properties.allowsAll()) {
			configuration.addAllowedOrigin(CorsProperties.ALL);
		}
		else {
			configuration.setAllowedOriginPatterns(properties.allowedOrigins());
		}
		for (HttpMethod method : methods) {
			configuration.addAllowedMethod(method);
		}
		configuration.addAllowedHeader(CorsConfiguration.ALL);
		configuration.setExposedHeaders(EXPOSED);
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(properties.maxAge());
		return configuration;
	}

}
