package dev.timefan.upstream;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code upstream} under {@code /actuator/health}: the state of the upstream's circuit
 * breaker and the last result of {@link UpstreamProbe}, read without calling the
 * upstream, so a health check costs nothing and never waits for it.
 * <ul>
 * <li>{@code DEGRADED} while the circuit breaker is open or half-open: source=upstream
 * items are answered without calling the upstream, whatever the probe says.</li>
 * <li>Else {@code UNKNOWN} until a probe has ended: the upstream source has not been
 * used, or its first probe is under way. The default status order puts {@code UNKNOWN}
 * below {@code UP}, so the aggregate stays {@code UP}.</li>
 * <li>{@code UP} when the last probe got a valid time object.</li>
 * <li>{@code DEGRADED}, with the failure in the caller's terms, when it did not.</li>
 * </ul>
 * The upstream is an optional dependency, and {@code DEGRADED} is in no status order: the
 * aggregate ignores it, so neither the service's health nor its liveness or readiness go
 * down for it. Details name no address: {@code circuitBreaker} (its state, and the
 * failure and slow-call rates of its last calls once it has enough of them),
 * {@code lastChecked} (an ISO instant), {@code fallback}, and for a failed probe its
 * {@code error}.
 */
class UpstreamHealthIndicator implements HealthIndicator {

	/** An upstream that fails: shown, never aggregated. */
	static final Status DEGRADED = new Status("DEGRADED",
			"the upstream fails; source=upstream items fall back or fail with 502");

	/** The circuit breaker is open: the same status, saying why. */
	static final Status BREAKER_OPEN = new Status(DEGRADED.getCode(),
			"the upstream circuit breaker is open; source=upstream items fall back at once or fail with 502");

	static final String NOT_USED = "not probed: the upstream source has not been used";

	static final String FIRST_PROBE = "not probed yet: the first probe is under way";

	private final UpstreamProbe probe;

	private final UpstreamBreaker breaker;

	private final boolean fallback;

	UpstreamHealthIndicator(UpstreamProbe probe, UpstreamBreaker breaker, UpstreamProperties properties) {
		this.probe = probe;
		this.breaker = breaker;
		this.fallback = properties.fallback();
	}

	@Override
	public Health health() {
		UpstreamProbe.Result last = this.probe.last();
		UpstreamFailure failure = (last != null) ? last.failure() : null;
		Health.Builder health;
		if (this.breaker.state() != UpstreamBreaker.State.CLOSED) {
			health = Health.status(BREAKER_OPEN);
		}
		else if (last == null) {
			health = Health.unknown().withDetail("reason", this.probe.probing() ? FIRST_PROBE : NOT_USED);
		}
		else {
			health = (failure != null) ? Health.status(DEGRADED) : Health.up();
		}
		health.withDetail("circuitBreaker", circuitBreaker());
		if (failure != null) {
			health.withDetail("error", failure.getMessage());
		}
		if (last != null) {
			health.withDetail("lastChecked", last.checked().toString());
		}
		return health.withDetail("fallback", this.fallback).build();
	}

	private Map<String, Object> circuitBreaker() {
		CircuitBreaker breaker = this.breaker.circuitBreaker();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", breaker.getState().name());
		// Rates are -1 until the window holds the minimum number of calls.
		if (metrics.getFailureRate() >= 0) {
			details.put("failureRate", metrics.getFailureRate());
		}
		if (metrics.getSlowCallRate() >= 0) {
			details.put("slowCallRate", metrics.getSlowCallRate());
		}
		details.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
		details.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
		return details;
	}

}
