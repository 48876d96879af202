package dev.timefan.upstream;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import dev.timefan.time.Zone;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The blocking client: a {@link RestClient} over the JDK's pooled {@link HttpClient}
 * (HTTP/1.1, kept-alive connections). The JDK client is chosen because an interrupt
 * cancels its call: when a batch deadline passes, the engine interrupts the thread and
 * nothing is left running. The {@link UpstreamLimit} its callers wait for bounds the
 * calls in flight, and so the connections.
 */
final class RestClientExchange implements Exchange {

	private final RestClient client;

	private final UpstreamProperties properties;

	/**
	 * A client from a builder: Boot's (instrumented as {@code http.client.requests}) in
	 * the service, a plain one in a worker process.
	 * @param builder the builder
	 * @param properties the upstream's settings
	 */
	RestClientExchange(RestClient.Builder builder, UpstreamProperties properties) {
		this.properties = properties;
		this.client = builder.baseUrl(properties.baseUrl().toString())
			.requestFactory(ClientHttpRequestFactoryBuilder.jdk()
				.withHttpClientCustomizer((http) -> http.version(HttpClient.Version.HTTP_1_1))
				.build(HttpClientSettings.defaults()
					.withTimeouts(properties.connectTimeout(), properties.callTimeout())))
			.build();
	}

	@Override
	public Reply call(Zone zone) throws UpstreamFailure, InterruptedException {
		try {
			ZonePath path = ZonePath.of(zone);
			return this.client.get().uri(path.template(), path.segments()).exchange((request, response) -> {
				try (InputStream body = response.getBody()) {
					return new Reply(response.getStatusCode().value(),
							response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER),
							body.readNBytes(Reply.MAX_BODY + 1));
				}
			});
		}
		catch (ResourceAccessException ex) {
			if (Thread.interrupted() || UpstreamFailure.causedBy(ex, InterruptedException.class)) {
				throw new InterruptedException("the batch deadline passed");
			}
			// A connect timeout is a timeout too, but of reaching the upstream: io() says
			// so.
			boolean callTimedOut = UpstreamFailure.causedBy(ex, HttpTimeoutException.class)
					&& !UpstreamFailure.causedBy(ex, HttpConnectTimeoutException.class);
			throw callTimedOut ? UpstreamFailure.timeout(this.properties.callTimeout()) : UpstreamFailure.io(ex);
		}
	}

}
