package dev.timefan.web;

import dev.timefan.fanout.FanoutProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.util.unit.DataSize;

/**
 * The limits Tomcat applies to a request before timefan reads it, sized so that a GET
 * batch of {@code timefan.batch.max-size} zones gets through: by default, 1,000 zones
 * allow a request line and headers of 48,192 bytes and 1,010 parameters. A limit the user
 * sets ({@code server.max-http-request-header-size},
 * {@code server.tomcat.max-parameter-count}) is taken as it is; a derived one never goes
 * below Boot's default.
 *
 * @param maxHttpRequestHeaderBytes the most bytes of request line and headers together
 * @param maxParameterCount the most parameters (query and form) of one request
 */
record RequestLimits(int maxHttpRequestHeaderBytes, int maxParameterCount) {

	static final String MAX_HEADER_SIZE_PROPERTY = "server.max-http-request-header-size";

	static final String MAX_PARAMETER_COUNT_PROPERTY = "server.tomcat.max-parameter-count";

	/**
	 * Bytes one zone takes in a GET batch at most: the longest name (32 characters), its
	 * two slashes escaped ({@code %2F}) and the comma after it.
	 */
	static final int BYTES_PER_ZONE = 40;

	/** Room for the method, path, other parameters and the usual headers. */
	static final int HEADROOM_BYTES = 8 * 1024;

	/** Parameters a batch may carry beside its zones: source, at, a cache buster. */
	static final int OTHER_PARAMETERS = 10;

	/**
	 * The limits for a batch size, unless the environment sets them.
	 * @param fanout the batch limits
	 * @param binder the environment's settings
	 * @return the limits
	 */
	static RequestLimits of(FanoutProperties fanout, Binder binder) {
		int maxSize = fanout.batch().maxSize();
		long derivedHeaderBytes = Math.max(new ServerProperties().getMaxHttpRequestHeaderSize().toBytes(),
				(long) maxSize * BYTES_PER_ZONE + HEADROOM_BYTES);
		int headerBytes = binder.bind(MAX_HEADER_SIZE_PROPERTY, DataSize.class)
			.map(DataSize::toBytes)
			.map(Math::toIntExact)
			.orElse(Math.toIntExact(derivedHeaderBytes));
		int parameters = binder.bind(MAX_PARAMETER_COUNT_PROPERTY, Integer.class)
			.orElse(Math.max(new TomcatServerProperties().getMaxParameterCount(), maxSize + OTHER_PARAMETERS));
		return new RequestLimits(headerBytes, parameters);
	}

}
