package dev.timefan.upstream;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.timefan.fanout.Deadline;
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
 * nothing is left running. A semaphore bounds the calls in flight, and so the
 * connections.
 */
final class RestClientExchange implements Exchange {

	private final RestClient client;

	private final Semaphore connections;

	private final UpstreamProperties properties;

	/**
	 * A client from a builder: Boot's (instrumented as {@code http.client.requests}) in
	 * the service, a plain one in a worker process.
	 * @param builder the builder
	 * @param properties the upstream's settings
	 */
	RestClientExchange(RestClient.Builder builder, UpstreamProperties properties) {
		this.properties = properties;
		this.connections = new Semaphore(properties.maxConnections());
		this.client = builder.baseUrl(properties.baseUrl().toString())
			.requestFactory(ClientHttpRequestFactoryBuilder.jdk()
				.withHttpClientCustomizer((http) -> http.version(HttpClient.Version.HTTP_1_1))
				.build(HttpClientSettings.defaults()
					.withTimeouts(properties.connectTimeout(), properties.callTimeout())))
			.build();
	}

	@Override
	public Reply call(Zone zone, Deadline deadline) throws UpstreamFailure, InterruptedException {
		if (!this.connections.tryAcquire(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
			throw UpstreamFailure.busy(this.properties.maxConnections());
		}
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
		finally {
			this.connections.release();
		}
	}

}
