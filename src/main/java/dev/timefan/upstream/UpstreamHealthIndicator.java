package dev.timefan.upstream;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code upstream} under {@code /actuator/health}: the last result of
 * {@link UpstreamProbe}, read without calling the upstream, so a health check costs
 * nothing and never waits for it.
 * <ul>
 * <li>{@code UNKNOWN} until a probe has ended: the upstream source has not been used, or
 * its first probe is under way. The default status order puts {@code UNKNOWN} below
 * {@code UP}, so the aggregate stays {@code UP}.</li>
 * <li>{@code UP} when the last probe got a valid time object.</li>
 * <li>{@code DEGRADED}, with the failure in the caller's terms, when it did not. The
 * upstream is an optional dependency, and {@code DEGRADED} is in no status order: the
 * aggregate ignores it, so neither the service's health nor its liveness or readiness go
 * down for it.</li>
 * </ul>
 * Details name no address: {@code lastChecked} (an ISO instant), {@code fallback}, and
 * for a failure its {@code error}.
 */
class UpstreamHealthIndicator implements HealthIndicator {

	/** An upstream that fails: shown, never aggregated. */
	static final Status DEGRADED = new Status("DEGRADED",
			"the upstream fails; source=upstream items fall back or fail with 502");

	static final String NOT_USED = "not probed: the upstream source has not been used";

	static final String FIRST_PROBE = "not probed yet: the first probe is under way";

	private final UpstreamProbe probe;

	private final boolean fallback;

	UpstreamHealthIndicator(UpstreamProbe probe, UpstreamProperties properties) {
		this.probe = probe;
		this.fallback = properties.fallback();
	}

	@Override
	public Health health() {
		UpstreamProbe.Result last = this.probe.last();
		if (last == null) {
			return Health.unknown()
				.withDetail("reason", this.probe.probing() ? FIRST_PROBE : NOT_USED)
				.withDetail("fallback", this.fallback)
				.build();
		}
		UpstreamFailure failure = last.failure();
		Health.Builder health = (failure != null) ? Health.status(DEGRADED).withDetail("error", failure.getMessage())
				: Health.up();
		return health.withDetail("lastChecked", last.checked().toString())
			.withDetail("fallback", this.fallback)
			.build();
	}

}
