package dev.timefan.upstream;

import java.time.Duration;

import dev.timefan.time.Zone;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The non-blocking client: a {@link WebClient} from Boot's builder (instrumented as
 * {@code http.client.requests}) on Reactor Netty, with a connection pool as large as the
 * concurrency limit can grow: the {@link UpstreamLimit} its caller waits for bounds the
 * calls in flight.
 */
final class WebClientExchange implements AutoCloseable {

	private static final byte[] EMPTY = new byte[0];

	private final ConnectionProvider connections;

	private final WebClient client;

	private final Duration callTimeout;

	WebClientExchange(WebClient.Builder builder, UpstreamProperties properties) {
		this.callTimeout = properties.callTimeout();
		this.connections = ConnectionProvider.builder("timefan-upstream")
			.maxConnections(properties.concurrencyLimit().max())
			// The concurrency limit bounds the calls started; the batch deadline bounds
			// the wait.
			.pendingAcquireMaxCount(-1)
			.build();
		HttpClient http = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(properties.connectTimeout().toMillis()))
			.responseTimeout(properties.callTimeout());
		this.client = builder.baseUrl(properties.baseUrl().toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(Reply.MAX_BODY))
			.build();
	}

	/**
	 * Calls the upstream once, when subscribed.
	 * @param zone the zone
	 * @return the answer, whatever its status; an {@link UpstreamFailure} when none came
	 * (Netty's connect and read timeouts named as the JDK client's are) or its body was
	 * over the limit
	 */
	Mono<Reply> call(Zone zone) {
		ZonePath path = ZonePath.of(zone);
		return this.client.get()
			.uri(path.template(), path.segments())
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(EMPTY)
				.map((body) -> new Reply(response.statusCode().value(),
						response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), body)))
			.onErrorMap((ex) -> !(ex instanceof UpstreamFailure), this::failure);
	}

	private UpstreamFailure failure(Throwable ex) {
		if (ex instanceof DataBufferLimitException) {
			return UpstreamFailure.tooLarge(Reply.MAX_BODY);
		}
		if (UpstreamFailure.causedBy(ex, ReadTimeoutException.class)) {
			return UpstreamFailure.timeout(this.callTimeout);
		}
		// Netty's connect timeout is a ConnectException, which io() takes for a refusal.
		return UpstreamFailure.causedBy(ex, ConnectTimeoutException.class) ? UpstreamFailure.unreachable(ex)
				: UpstreamFailure.io(ex);
	}

	@Override
	public void close() {
		this.connections.dispose();
	}

}
