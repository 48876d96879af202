package dev.timefan.bench;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /bench/bare}: the least a Boot endpoint does, a tiny JSON object of the
 * current instant, with no catalog, fan-out or meters of timefan's own. Only in the
 * profile {@code bench} ({@code --spring.profiles.active=bench}), which the HTTP
 * benchmark scripts start the service with.
 */
@RestController
@Profile("bench")
@Hidden
class BareController {

	@GetMapping("/bench/bare")
	Bare bare() {
		return new Bare(Instant.now().toString());
	}

	/**
	 * The answer.
	 *
	 * @param utcDatetime the current instant, ISO-8601 in UTC
	 */
	record Bare(@JsonProperty("utc_datetime") String utcDatetime) {

	}

}
