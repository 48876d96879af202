package dev.timefan.time;

import java.time.zone.ZoneRulesProvider;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TzRelease}.
 */
class TzReleaseTests {

	private final TzRelease release = TzRelease.detect();

	@Test
	void versionIsAnIanaReleaseName() {
		assertThat(this.release.version()).matches("^\\d{4}[a-z]$");
	}

	@Test
	void buildStartsWithTheVersion() {
		assertThat(this.release.build()).startsWith(this.release.version());
	}

	@Test
	void libraryNamesJodaTimeAndItsVersion() {
		assertThat(this.release.library()).startsWith("joda-time ").matches("^joda-time \\d+\\.\\d+(\\.\\d+)?$");
	}

	@Test
	void jodaTime2151ShipsRelease2026f() {
		assertThat(this.release).satisfiesAnyOf(
				(release) -> assertThat(release.library()).isNotEqualTo("joda-time 2.15.1"),
				(release) -> assertThat(release.version()).isEqualTo("2026f"));
	}

	@Test
	void releaseIsNoOlderThanTheJdksOwn() {
		String jdk = ZoneRulesProvider.getVersions("UTC").lastKey();
		assertThat(jdk).matches("^\\d{4}[a-z]$");
		assertThat(this.release.version()).isGreaterThanOrEqualTo(jdk);
	}

}
