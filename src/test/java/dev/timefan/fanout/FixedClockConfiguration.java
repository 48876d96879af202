package dev.timefan.fanout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Pins the service's clock so that every field of a time object is assertable.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FixedClockConfiguration {

	/**
	 * The instant of worldtimeapi.org's captured Asia/Kolkata answer: a Wednesday in ISO
	 * week 40, inside British summer time.
	 */
	public static final Instant NOW = Instant.parse("2025-10-01T10:39:20.975255Z");

	@Bean
	@Primary
	Clock fixedClock() {
		return Clock.fixed(NOW, ZoneOffset.UTC);
	}

}
