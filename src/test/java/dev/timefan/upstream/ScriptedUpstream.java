package dev.timefan.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.net.ServerSocketFactory;

import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worldtimeapi-compatible upstream on a random loopback port, scripted per zone: each
 * zone's requests get the steps scripted for it in turn (the last one repeats), so the
 * zones of a batch fanned out concurrently cannot take each other's answers. A zone
 * nobody scripted answers its time object at {@link #NOW}, an instant no caller's clock
 * shows, so an item that carries it came from here. It records the request targets it
 * saw, and the connections whose client hung up on a held request.
 */
public final class ScriptedUpstream implements AutoCloseable {

	/** The instant every answer of this upstream is for: unixtime 1,000,000,000. */
	static final Instant NOW = Instant.parse("2001-09-09T01:46:40Z");

	/**
	 * The client_ip this upstream writes: the service must replace it with its caller's.
	 */
	static final String CLIENT_IP = "198.51.100.7";

	private static final String PREFIX = "/api/timezone/";

	/** The longest a request is held waiting for its client to hang up. */
	private static final Duration MAX_HOLD = Duration.ofSeconds(20);

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final WorldClock CLOCK = new WorldClock(Clock.fixed(NOW, ZoneOffset.UTC));

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final MockWebServer server = new MockWebServer();

	/**
	 * The accepted sockets by connection index: mockwebserver numbers them in accept
	 * order.
	 */
	private final Map<Integer, Socket> connections = new ConcurrentHashMap<>();

	private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> hangUps = new ConcurrentHashMap<>();

	private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

	private volatile boolean closing;

	public ScriptedUpstream() {
		this.server.setServerSocketFactory(new TrackingServerSocketFactory());
		this.server.setDispatcher(new ScriptDispatcher());
	}

	/**
	 * The base URL to configure as {@code timefan.upstream.base-url}; starts the server
	 * on first use.
	 * @return {@code http://127.0.0.1:<port>/api}
	 */
	public synchronized String baseUrl() {
		if (!this.server.getStarted()) {
			try {
				this.server.start(InetAddress.getLoopbackAddress(), 0);
			}
			catch (IOException ex) {
				throw new IllegalStateException("the scripted upstream could not start", ex);
			}
		}
		return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + this.server.getPort() + "/api";
	}

	/**
	 * Where this upstream listens, as it shows in a URL or an exception's message; starts
	 * the server on first use.
	 * @return {@code 127.0.0.1:<port>}
	 */
	public String hostAndPort() {
		return URI.create(baseUrl()).getAuthority();
	}

	/** Forgets every script and everything recorded. */
	void reset() {
		this.scripts.clear();
		this.served.clear();
		this.hangUps.clear();
		this.arrivals.clear();
	}

	/**
	 * Scripts a zone's next requests.
	 * @param zone the zone's canonical name
	 * @param steps what its requests get, in turn; the last repeats
	 * @return the request target the zone is asked at
	 */
	public String script(String zone, Step... steps) {
		String target = target(zone);
		this.scripts.put(target, List.of(steps));
		this.served.remove(target);
		return target;
	}

	/**
	 * The request target of a zone, each segment URL-encoded as a conforming client
	 * encodes it.
	 * @param zone the zone's canonical name
	 * @return {@code /api/timezone/...}
	 */
	static String target(String zone) {
		return PREFIX + Arrays.stream(zone.split("/"))
			.map((segment) -> URLEncoder.encode(segment, StandardCharsets.UTF_8))
			.collect(Collectors.joining("/"));
	}

	/**
	 * The time object this upstream answers for a zone, with its own client_ip.
	 * @param zone the zone's canonical name
	 * @return the time object
	 */
	static TimeObject timeObject(String zone) {
		Zone found = CATALOG.find(zone);
		if (found == null) {
			throw new IllegalArgumentException("unknown time zone '" + zone + "'");
		}
		return CLOCK.at(found, NOW, CLIENT_IP);
	}

	/**
	 * The body this upstream answers for a zone.
	 * @param zone the zone's canonical name
	 * @return the time object as JSON
	 */
	static String body(String zone) {
		return JSON.writeValueAsString(timeObject(zone));
	}

	/** The request targets seen since the last reset, in arrival order. */
	List<String> targets() {
		return this.arrivals.stream().map(Arrival::target).toList();
	}

	/** How many requests a target got since the last reset. */
	public int requests(String target) {
		return (int) this.arrivals.stream().filter((arrival) -> arrival.target().equals(target)).count();
	}

	/** The time between a target's first request and its second. */
	Duration gapBeforeSecondRequest(String target) {
		List<Long> nanos = this.arrivals.stream()
			.filter((arrival) -> arrival.target().equals(target))
			.map(Arrival::nanos)
			.toList();
		if (nanos.size() < 2) {
			throw new IllegalStateException(target + " was asked " + nanos.size() + " times");
		}
		return Duration.ofNanos(nanos.get(1) - nanos.get(0));
	}

	/** How many held requests of a target had their connection closed by the client. */
	int hangUps(String target) {
		AtomicInteger count = this.hangUps.get(target);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void close() {
		this.closing = true;
		this.server.close();
	}

	/** An answer the upstream gives a request. */
	public sealed interface Step {

		/** The zone's own time object. */
		static Step answer(String zone) {
			return json(200, body(zone));
		}

		/** A 200 JSON body, whatever it says. */
		static Step json(int status, String body) {
			return new Respond(new MockResponse.Builder().code(status)
				.setHeader("Content-Type", "application/json; charset=utf-8")
				.body(body)
				.build());
		}

		/** A status with an empty body and headers such as {@code Retry-After: 1}. */
		static Step status(int status, String... headers) {
			MockResponse.Builder response = new MockResponse.Builder().code(status);
			for (String header : headers) {
				response.addHeader(header);
			}
			return new Respond(response.build());
		}

		/** The zone's time object after {@code delay}. */
		static Step delayed(Duration delay, String zone) {
			return new Respond(new MockResponse.Builder().code(200)
				.setHeader("Content-Type", "application/json; charset=utf-8")
				.body(body(zone))
				.headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
				.build());
		}

		/** Reads the request, then closes the connection without an answer. */
		static Step dropConnection() {
			return new Respond(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
		}

		/**
		 * Never answers: holds the request until the client hangs up, and counts that.
		 */
		static Step hold() {
			return Hold.INSTANCE;
		}

	}

	private record Respond(MockResponse response) implements Step {

	}

	private enum Hold implements Step {

		INSTANCE

	}

	private record Arrival(String target, long nanos) {

	}

	private final class ScriptDispatcher extends Dispatcher {

		@Override
		public MockResponse dispatch(RecordedRequest request) {
			String target = request.getTarget();
			ScriptedUpstream.this.arrivals.add(new Arrival(target, System.nanoTime()));
			List<Step> script = ScriptedUpstream.this.scripts.get(target);
			if (script == null) {
				return unscripted(target);
			}
			int turn = ScriptedUpstream.this.served.computeIfAbsent(target, (key) -> new AtomicInteger())
				.getAndIncrement();
			Step step = script.get(Math.min(turn, script.size() - 1));
			return switch (step) {
				case Respond respond -> respond.response();
				case Hold hold -> holdUntilHungUp(target, request.getConnectionIndex());
			};
		}

		private MockResponse unscripted(String target) {
			Zone zone = (target.startsWith(PREFIX)) ? CATALOG.find(zoneOf(target)) : null;
			return (zone != null) ? ((Respond) Step.answer(zone.name())).response()
					: new MockResponse.Builder().code(404).body("{\"error\":\"unknown location\"}").build();
		}

		private static String zoneOf(String target) {
			return Arrays.stream(target.substring(PREFIX.length()).split("/"))
				.map((segment) -> URLDecoder.decode(segment, StandardCharsets.UTF_8))
				.collect(Collectors.joining("/"));
		}

		/**
		 * Reads the connection until the client closes it (end of stream or reset), then
		 * closes this side; answers normally if it never does within {@link #MAX_HOLD}.
		 */
		private MockResponse holdUntilHungUp(String target, int connectionIndex) {
			Socket socket = ScriptedUpstream.this.connections.get(connectionIndex);
			long until = System.nanoTime() + MAX_HOLD.toNanos();
			boolean hungUp = false;
			try {
				socket.setSoTimeout(100);
				InputStream in = socket.getInputStream();
				while (!hungUp && !ScriptedUpstream.this.closing && System.nanoTime() < until) {
					try {
						hungUp = in.read() == -1;
					}
					catch (SocketTimeoutException ex) {
						// Still connected: keep holding.
					}
				}
				socket.setSoTimeout(0);
			}
			catch (IOException ex) {
				hungUp = true;
			}
			if (hungUp) {
				ScriptedUpstream.this.hangUps.computeIfAbsent(target, (key) -> new AtomicInteger()).incrementAndGet();
				return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
			}
			return unscripted(target);
		}

	}

	/** Server sockets that remember what they accept, in order. */
	private final class TrackingServerSocketFactory extends ServerSocketFactory {

		@Override
		public ServerSocket createServerSocket() throws IOException {
			return new ServerSocket() {

				private int next;

				@Override
				public Socket accept() throws IOException {
					Socket socket = super.accept();
					ScriptedUpstream.this.connections.put(this.next++, socket);
					return socket;
				}

			};
		}

		@Override
		public ServerSocket createServerSocket(int port) throws IOException {
			throw new UnsupportedOperationException();
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog) throws IOException {
			throw new UnsupportedOperationException();
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog, @Nullable InetAddress address)
				throws IOException {
			throw new UnsupportedOperationException();
		}

	}

}
