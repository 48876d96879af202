package dev.timefan.upstream;

import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
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
 * The blocking client: a {@link RestClient} over the JDK's pooled {@link HttpClient} *
 * (HTTP/1.1, kept-alive connections, its tasks on virtual threads). The JDK client is
 * chosen because an interrupt cancels its call: when a batch deadline passes, the engine
 * interrupts the thread and nothing is left running. The {@link UpstreamLimit} its
 * callers wait for bounds the calls in flight, and so the connections.
 */
final class RestClientExchange implements Exchange {

	/**
	 * Where the JDK client runs its own tasks (handing a response to the waiting caller):
	 * a virtual thread each, rather than its default pool of platform threads, each with
	 * its native stack, which a burst of calls grows by hundreds.
	 */
	private static final Executor VIRTUAL = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("timefan-upstream-http-", 0).factory());

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
				.withHttpClientCustomizer((http) -> http.version(HttpClient.Version.HTTP_1_1).executor(VIRTUAL))
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
