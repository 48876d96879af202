package dev.timefan.time;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.timefan.time.TzdbAgreementTests.Fixture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the moment-timezone fixture in step with the tz release that answers, so that
 * {@link TzdbAgreementTests} never skips silently after a Joda-Time bump.
 */
class TzdbFixtureReleaseTests {

	private static final String REGENERATE = "cd src/test/tzdb && npm ci && node generate-fixture.mjs";

	private static final String BUMP = "bump moment-timezone in src/test/tzdb/package.json to a version whose"
			+ " moment.tz.dataVersion is %s (cd src/test/tzdb && npm install --save-exact moment-timezone@<version>"
			+ " updates package-lock.json too), then regenerate the fixture: " + REGENERATE;

	@Test
	void fixtureHoldsTheReleaseJodaTimeShips() {
		Fixture fixture = Fixture.load();
		TzRelease release = TzRelease.detect();
		assertThat(fixture.release())
			.withFailMessage(() -> "%s ships tz %s but the fixture %s holds tz %s (%s): ".formatted(release.library(),
					release.version(), Fixture.LOCATION, fixture.release(), fixture.generator())
					+ BUMP.formatted(release.version()))
			.isEqualTo(release.version());
	}

	@Test
	void fixtureCoversEveryCatalogZone() {
		Fixture fixture = Fixture.load();
		ZoneCatalog catalog = ZoneCatalog.load();
		TzRelease release = TzRelease.detect();
		List<String> missing = catalog.names().stream().filter((name) -> !fixture.zones().containsKey(name)).toList();
		assertThat(missing)
			.withFailMessage(
					() -> "%s (tz %s) knows zone names that fixture %s (%s, tz %s) lacks: %s; regenerate it: %s"
						.formatted(release.library(), release.version(), Fixture.LOCATION, fixture.generator(),
								fixture.release(), missing, REGENERATE))
			.isEmpty();
	}

}
