package dev.timefan.time;

import java.time.Clock;
import java.util.Map;

import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The time core as beans: the clock (replace it to pin time), the catalog, the world
 * clock and the tz release, which {@code /actuator/info} names under {@code tzdb}.
 */
@Configuration(proxyBeanMethods = false)
class TimeConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/** Every zone's rules read before the service takes a request. */
	@Bean
	ZoneCatalog zoneCatalog() {
		return ZoneCatalog.load().preload();
	}

	@Bean
	WorldClock worldClock(Clock clock) {
		return new WorldClock(clock);
	}

	@Bean
	TzRelease tzRelease() {
		return TzRelease.detect();
	}

	@Bean
	InfoContributor tzdbInfoContributor(TzRelease release, ZoneCatalog catalog) {
		return (builder) -> builder.withDetail("tzdb", Map.of("version", release.version(), "build", release.build(),
				"library", release.library(), "zones", catalog.size()));
	}

}
