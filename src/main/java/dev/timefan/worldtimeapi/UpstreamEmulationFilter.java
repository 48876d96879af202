package dev.timefan.worldtimeapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;

/**
 * Answers {@code /api/timezone...} like a slow, flaky upstream
 * ({@link EmulationProperties}).
 * <p>
 * A delayed request holds no thread while it waits: the filter starts async processing
 * and returns the container's thread; one scheduler thread dispatches the request back to
 * the container when its delay is over, and the answer (the real one, or the emulated
 * failure) is computed and written then, on a container thread, so a time object is as
 * fresh as a fast upstream's and the scheduler never writes to a socket. A request whose
 * async cycle ends first (the container saw the client go, or the timeout passed) has its
 * dispatch cancelled; one whose client left unnoticed is answered into the void at its
 * due time. Without a delay the request stays synchronous.
 */
class UpstreamEmulationFilter implements Filter, DisposableBean {

	/**
	 * How long past its due time a delayed request may wait for its dispatch before the
	 * container gives up on it with a 500. The async timeout is set per request to its
	 * delay plus this, so neither the container's default (30 s) nor
	 * {@code spring.mvc.async.request-timeout} cuts a long latency short.
	 */
	static final Duration DISPATCH_GRACE = Duration.ofSeconds(10);

	private static final String FAILURE = UpstreamEmulationFilter.class.getName() + ".failure";

	private static final byte[] FAILURE_JSON = "{\"error\":\"emulated failure\"}".getBytes(StandardCharsets.UTF_8);

	private static final byte[] FAILURE_TEXT = "Error: emulated failure\n".getBytes(StandardCharsets.UTF_8);

	private final EmulationProperties properties;

	/** Starts its thread on the first delayed request only. */
	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			Thread.ofPlatform().daemon().name("timefan-emulation").factory());

	UpstreamEmulationFilter(EmulationProperties properties) {
		this.properties = properties;
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request.getDispatcherType() == DispatcherType.ASYNC) {
			if (request.getAttribute(FAILURE) instanceof Boolean failure) {
				request.removeAttribute(FAILURE);
				answer(failure, request, response, chain);
			}
			else {
				chain.doFilter(request, response);
			}
			return;
		}
		Plan plan = plan(ThreadLocalRandom.current());
		if (plan.delay().isZero()) {
			answer(plan.failure(), request, response, chain);
			return;
		}
		request.setAttribute(FAILURE, plan.failure());
		AsyncContext async = request.startAsync();
		async.setTimeout(plan.delay().plus(DISPATCH_GRACE).toMillis());
		Future<?> dispatch = this.scheduler.schedule(() -> dispatch(async), plan.delay().toNanos(),
				TimeUnit.NANOSECONDS);
		// The cycle cannot end before this thread returns to the container:
		// listening after scheduling misses nothing.
		async.addListener(new CancelDispatch(dispatch));
	}

	/**
	 * The fate of one request: its delay, and whether it fails.
	 */
	Plan plan(RandomGenerator random) {
		Duration delay = this.properties.latency();
		long jitter = this.properties.jitter().toNanos();
		if (jitter > 0) {
			delay = delay.plusNanos(random.nextLong(jitter + 1));
		}
		return new Plan(delay, random.nextDouble() < this.properties.failureRate());
	}

	/**
	 * Delayed requests waiting for their dispatch.
	 */
	int pendingDispatches() {
		return this.scheduler.getQueue().size();
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	private static void answer(boolean failure, ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!failure) {
			chain.doFilter(request, response);
			return;
		}
		boolean text = ((HttpServletRequest) request).getRequestURI().endsWith(".txt");
		byte[] body = text ? FAILURE_TEXT : FAILURE_JSON;
		HttpServletResponse http = (HttpServletResponse) response;
		http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		http.setContentType(text ? MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8" : MediaType.APPLICATION_JSON_VALUE);
		http.setContentLength(body.length);
		http.getOutputStream().write(body);
	}

	private static void dispatch(AsyncContext async) {
		try {
			async.dispatch();
		}
		catch (IllegalStateException ex) {
			// The cycle ended between the due time and now: nothing left to answer.
		}
	}

	/**
	 * The delay and the failure decided for one request.
	 */
	record Plan(Duration delay, boolean failure) {

	}

	/**
	 * Cancels the pending dispatch whenever the async cycle ends without it, so that the
	 * scheduler keeps nothing for a request that is gone.
	 */
	private record CancelDispatch(Future<?> dispatch) implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
			this.dispatch.cancel(false);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			this.dispatch.cancel(false);
		}

		@Override
		public void onError(AsyncEvent event) {
			this.dispatch.cancel(false);
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
