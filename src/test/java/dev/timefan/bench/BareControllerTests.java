package dev.timefan.bench;

import java.time.Instant;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BareController} exists in the profile {@code bench} only.
 */
class BareControllerTests {

	@Nested
	@WebMvcTest(BareController.class)
	@ActiveProfiles("bench")
	class InTheBenchProfile {

		@Autowired
		private MockMvcTester mvc;

		@Test
		void bareAnswersTheCurrentInstantAsATinyJsonObject() {
			Instant before = Instant.now();
			assertThat(this.mvc.get().uri("/bench/bare")).hasStatusOk()
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.bodyJson()
				.extractingPath("$.utc_datetime")
				.asString()
				.satisfies((utc) -> assertThat(Instant.parse(utc)).isBetween(before, Instant.now()));
		}

	}

	@Nested
	@WebMvcTest(BareController.class)
	class WithoutTheBenchProfile {

		@Autowired
		private MockMvcTester mvc;

		@Test
		void bareIsNotFoundAsAProblem() {
			assertThat(this.mvc.get().uri("/bench/bare")).hasStatus(HttpStatus.NOT_FOUND)
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		}

	}

}
