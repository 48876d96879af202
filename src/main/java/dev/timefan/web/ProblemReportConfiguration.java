package dev.timefan.web;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.core.StandardHost;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Makes Tomcat report the requests it refuses itself with {@link ProblemReportValve}, and
 * refuses in the same way the broken escapes Tomcat lets through
 * ({@link MalformedPathFilter}).
 */
@Configuration(proxyBeanMethods = false)
class ProblemReportConfiguration {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReportValve() {
		return (factory) -> factory.addContextCustomizers((context) -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(ProblemReportValve.class.getName());
			}
		});
	}

	@Bean
	FilterRegistrationBean<MalformedPathFilter> malformedPathFilter(JsonMapper json) {
		FilterRegistrationBean<MalformedPathFilter> registration = new FilterRegistrationBean<>(
				new MalformedPathFilter(json));
		registration.setName("malformedPath");
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.setAsyncSupported(true);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
