package dev.timefan.worldtimeapi;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts {@link UpstreamEmulationFilter} in front of {@code /api/timezone...} only, and
 * only when {@link EmulationProperties} ask for something: by default the API's path has
 * no filter more than before.
 */
@Configuration(proxyBeanMethods = false)
class UpstreamEmulationConfiguration {

	@Bean
	UpstreamEmulationFilter upstreamEmulationFilter(EmulationProperties properties) {
		return new UpstreamEmulationFilter(properties);
	}

	@Bean
	FilterRegistrationBean<UpstreamEmulationFilter> upstreamEmulation(UpstreamEmulationFilter filter,
			EmulationProperties properties) {
		FilterRegistrationBean<UpstreamEmulationFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("upstreamEmulation");
		// Servlet patterns have no "/api/timezone*": the exact paths, then everything
		// under.
		registration.addUrlPatterns("/api/timezone", "/api/timezone.txt", "/api/timezone/*");
		// ASYNC: a delayed request comes back through the filter to be answered.
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
		registration.setAsyncSupported(true);
		registration.setEnabled(properties.active());
		return registration;
	}

}
