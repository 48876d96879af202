package dev.timefan.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import dev.timefan.Chromium;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a worldtimeapi.org client in a web page does, in a real browser
 * ({@link Chromium}): a page served from another origin (a server of its own) calls
 * timefan by its base URL alone. The browser, not the test, enforces CORS: a call to an
 * endpoint without CORS headers fails in the same page.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timefan.processes.workers=1", "timefan.ip.default-zone=Europe/Paris" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginBrowserIntegrationTests {

	/** The page's calls, each answered as {status, body, serverTiming} or {error}. */
	private static final String CALLS = """
			async (base) => {
			    const call = async (path, init) => {
			        try {
			            const response = await fetch(base + path, init);
			            return { status: response.status, body: await response.text(),
			                     serverTiming: response.headers.get('Server-Timing') };
			        } catch (error) {
			            return { error: String(error) };
			        }
			    };
			    return JSON.stringify({
			        ip: await call('/api/ip'),
			        london: await call('/api/timezone/Europe/London'),
			        text: await call('/api/timezone/Europe/London.txt'),
			        batch: await call('/time', { method: 'POST', headers: { 'Content-Type': 'application/json' },
			                                     body: '["Asia/Kolkata","Europe/Paris"]' }),
			        health: await call('/actuator/health')
			    });
			}
			""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	private @Nullable Chromium chromium;

	private @Nullable HttpServer otherOrigin;

	@BeforeAll
	void serveAPageElsewhere() throws IOException {
		this.chromium = Chromium.launch();
		this.otherOrigin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.otherOrigin.createContext("/", (exchange) -> {
			byte[] page = "<!doctype html><title>a clock</title><p>a clock".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
			exchange.sendResponseHeaders(200, page.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(page);
			}
		});
		this.otherOrigin.start();
	}

	@AfterAll
	void stop() {
		if (this.otherOrigin != null) {
			this.otherOrigin.stop(0);
		}
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void aPageOfAnotherOriginUsesTheWorldTimeApiByItsBaseUrlAlone() {
		assertThat(this.chromium).isNotNull();
		assertThat(this.otherOrigin).isNotNull();
		try (BrowserContext context = this.chromium.require().newContext()) {
			Page page = context.newPage();
			page.navigate("http://127.0.0.1:" + this.otherOrigin.getAddress().getPort() + "/");

			JsonNode calls = JSON.readTree((String) page.evaluate(CALLS, "http://localhost:" + this.port));

			JsonNode ip = body(calls, "ip");
			assertThat(ip.get("timezone").asString()).as("a loopback caller gets the default zone")
				.isEqualTo("Europe/Paris");
			assertThat(ip.get("client_ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
			assertThat(body(calls, "london").get("timezone").asString()).isEqualTo("Europe/London");
			assertThat(calls.get("text").get("body").asString()).contains("timezone: Europe/London\n");
			JsonNode batch = body(calls, "batch");
			assertThat(batch.get("succeeded").asInt()).as("a POST, after its preflight").isEqualTo(2);
			assertThat(calls.get("batch").get("serverTiming").asString()).startsWith("fanout;dur=");
			assertThat(calls.get("health").has("error")).as("actuator sends no CORS headers: the browser refuses it")
				.isTrue();
		}
	}

	private static JsonNode body(JsonNode calls, String name) {
		JsonNode call = calls.get(name);
		assertThat(call.has("error")).as("%s failed in the browser: %s", name, call).isFalse();
		assertThat(call.get("status").asInt()).as(name).isEqualTo(200);
		return JSON.readTree(call.get("body").asString());
	}

}
