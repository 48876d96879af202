package dev.timefan.upstream;

import dev.timefan.fanout.Deadline;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code upstream} under {@code /actuator/health}: asks the upstream for {@code Etc/UTC}
 * once per health check, without retries. The upstream is an optional dependency: when it
 * fails this reports {@code DEGRADED}, a status the health aggregate ignores, so neither
 * the service's health nor its liveness or readiness go down for it.
 */
class UpstreamHealthIndicator implements HealthIndicator {

	/** An upstream that fails: shown, never aggregated. */
	static final Status DEGRADED = new Status("DEGRADED",
			"the upstream fails; source=upstream items fall back or fail with 502");

	private static final String PROBE_ZONE = "Etc/UTC";

	private final Exchange exchange;

	private final UpstreamProperties properties;

	private final Zone probe;

	private final ObjectReader reader;

	UpstreamHealthIndicator(Exchange exchange, UpstreamProperties properties, ZoneCatalog catalog, JsonMapper mapper) {
		this.exchange = exchange;
		this.properties = properties;
		Zone utc = catalog.find(PROBE_ZONE);
		if (utc == null) {
			throw new IllegalStateException("the tz database has no " + PROBE_ZONE);
		}
		this.probe = utc;
		this.reader = Reply.reader(mapper);
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		try {
			this.exchange.call(this.probe, Deadline.after(this.properties.callTimeout()))
				.read(this.probe, "health", this.reader);
		}
		catch (UpstreamFailure ex) {
			health = Health.status(DEGRADED).withDetail("error", ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			health = Health.unknown().withDetail("error", "interrupted");
		}
		return health.withDetail("fallback", this.properties.fallback()).build();
	}

}
