package dev.timefan;

import java.net.http.HttpClient;
import java.time.Duration;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * A {@link RestTestClient} for a server on a random port that waits up to 60 s for an
 * answer. Boot's auto-configured one reads through Reactor Netty's 10 s default, and the
 * first {@code /v3/api-docs} alone took 16 s with the build machine's load at 14.
 */
public final class PatientClient {

	private PatientClient() {
	}

	public static RestTestClient to(int port) {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build());
		factory.setReadTimeout(Duration.ofSeconds(60));
		return RestTestClient.bindToServer(factory).baseUrl("http://localhost:" + port).build();
	}

}
