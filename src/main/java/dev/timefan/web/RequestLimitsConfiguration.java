package dev.timefan.web;

import dev.timefan.fanout.FanoutProperties;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sizes Tomcat's request limits from {@code timefan.batch.max-size}
 * ({@link RequestLimits}).
 */
@Configuration(proxyBeanMethods = false)
class RequestLimitsConfiguration {

	@Bean
	RequestLimits requestLimits(FanoutProperties fanout, Environment environment) {
		return RequestLimits.of(fanout, Binder.get(environment));
	}

	@Bean
	RequestLimitsCustomizer requestLimitsCustomizer(RequestLimits limits) {
		return new RequestLimitsCustomizer(limits);
	}

	/**
	 * Applies the limits after Boot's own customizer (order 0), whose connector
	 * customizers would otherwise put Boot's defaults back.
	 */
	static final class RequestLimitsCustomizer
			implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

		private final RequestLimits limits;

		RequestLimitsCustomizer(RequestLimits limits) {
			this.limits = limits;
		}

		@Override
		public int getOrder() {
			return 10;
		}

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			factory.addConnectorCustomizers((connector) -> {
				connector.setMaxParameterCount(this.limits.maxParameterCount());
				ProtocolHandler handler = connector.getProtocolHandler();
				if (handler instanceof AbstractHttp11Protocol<?> http) {
					http.setMaxHttpRequestHeaderSize(this.limits.maxHttpRequestHeaderBytes());
				}
			});
		}

	}

}
