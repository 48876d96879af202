package dev.timefan.time;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-checks the tz release that answers (Joda-Time's) against an independent
 * implementation of the same release: moment-timezone, whose answers
 * {@code src/test/tzdb/generate-fixture.mjs} writes to
 * {@code src/test/resources/tzdb/moment-timezone-fixture.json}.
 */
class TzdbAgreementTests {

	private static final String CLIENT_IP = "127.0.0.1";

	@Test
	void jodaTimeAgreesWithMomentTimezoneOnEveryCatalogZoneAtEveryFixtureInstant() {
		Fixture fixture = Fixture.load();
		TzRelease release = TzRelease.detect();
		assumeTrue(fixture.release().equals(release.version()),
				() -> "the fixture holds tz " + fixture.release() + " (" + fixture.generator() + ") but "
						+ release.library() + " ships tz " + release.version()
						+ ": comparing different releases is meaningless; TzdbFixtureReleaseTests says how to"
						+ " regenerate the fixture");
		ZoneCatalog catalog = ZoneCatalog.load();
		WorldClock worldClock = new WorldClock(Clock.fixed(fixture.instants().getFirst(), ZoneOffset.UTC));
		int offsetAgreements = 0;
		int abbreviationAgreements = 0;
		int differing = 0;
		List<String> offsetDifferences = new ArrayList<>();
		List<String> abbreviationDifferences = new ArrayList<>();
		List<String> missing = new ArrayList<>();
		for (String name : catalog.names()) {
			Zone zone = catalog.find(name);
			assertThat(zone).as("catalog zone '%s'", name).isNotNull();
			List<Answer> expected = fixture.zones().get(name);
			if (expected == null) {
				missing.add(name);
				differing += fixture.instants().size();
				continue;
			}
			for (int i = 0; i < fixture.instants().size(); i++) {
				Instant instant = fixture.instants().get(i);
				TimeObject time = worldClock.at(zone, instant, CLIENT_IP);
				Answer moment = expected.get(i);
				boolean sameOffset = time.utcOffset().equals(moment.utcOffset());
				boolean sameAbbreviation = time.abbreviation().equals(moment.abbreviation());
				if (sameOffset) {
					offsetAgreements++;
				}
				else {
					offsetDifferences
						.add(difference(name, instant, "utc_offset", time.utcOffset(), moment.utcOffset()));
				}
				if (sameAbbreviation) {
					abbreviationAgreements++;
				}
				else {
					abbreviationDifferences
						.add(difference(name, instant, "abbreviation", time.abbreviation(), moment.abbreviation()));
				}
				if (!sameOffset || !sameAbbreviation) {
					differing++;
				}
			}
		}
		List<String> differences = new ArrayList<>();
		missing.forEach((name) -> differences.add(name + ": missing from the fixture"));
		differences.addAll(offsetDifferences);
		differences.addAll(abbreviationDifferences);
		String summary = "tzdb %s: %s vs %s: %d zones x %d instants, %d agree on utc_offset, %d on abbreviation, %d differences"
			.formatted(release.version(), release.library(), fixture.generator(), catalog.size(),
					fixture.instants().size(), offsetAgreements, abbreviationAgreements, differing);
		System.out.println(summary);
		differences.forEach((difference) -> System.out.println("  " + difference));
		List<String> onlyInFixture = fixture.zones()
			.keySet()
			.stream()
			.filter((name) -> catalog.find(name) == null)
			.toList();
		if (!onlyInFixture.isEmpty()) {
			System.out.println("  not compared, moment-timezone only: " + onlyInFixture);
		}
		assertThat(differences)
			.withFailMessage(() -> summary + ":%n  %s".formatted(String.join("%n  ".formatted(), differences)))
			.isEmpty();
	}

	private static String difference(String zone, Instant instant, String field, String joda, String moment) {
		return "%s at %s: %s %s (joda-time) vs %s (moment-timezone)".formatted(zone, instant, field, joda, moment);
	}

	/**
	 * What moment-timezone answers for a zone at one instant.
	 *
	 * @param utcOffset the offset, such as {@code +05:30}
	 * @param abbreviation the abbreviation, such as {@code IST} or {@code -03}
	 */
	record Answer(String utcOffset, String abbreviation) {
	}

	/**
	 * The moment-timezone fixture.
	 *
	 * @param generator the library that wrote it, such as {@code moment-timezone 0.6.6}
	 * @param release the tz release it holds, such as {@code 2026f}
	 * @param instants the instants answered, in the order of every zone's answers
	 * @param zones every zone name moment-timezone knows, with its answers
	 */
	record Fixture(String generator, String release, List<Instant> instants, Map<String, List<Answer>> zones) {

		static final String LOCATION = "/tzdb/moment-timezone-fixture.json";

		Fixture {
			instants = List.copyOf(instants);
			zones = Map.copyOf(zones);
		}

		static Fixture load() {
			JsonNode root;
			try (InputStream in = TzdbAgreementTests.class.getResourceAsStream(LOCATION)) {
				assertThat(in).as("fixture '%s' on the test classpath", LOCATION).isNotNull();
				root = JsonMapper.shared().readTree(in);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			List<Instant> instants = new ArrayList<>();
			for (JsonNode instant : root.required("instants")) {
				instants.add(Instant.parse(text(instant)));
			}
			Map<String, List<Answer>> zones = new TreeMap<>();
			for (Map.Entry<String, JsonNode> zone : root.required("zones").properties()) {
				List<Answer> answers = new ArrayList<>();
				for (JsonNode answer : zone.getValue()) {
					answers.add(new Answer(text(answer.required(0)), text(answer.required(1))));
				}
				assertThat(answers).as("answers of '%s' in fixture '%s'", zone.getKey(), LOCATION)
					.hasSameSizeAs(instants);
				zones.put(zone.getKey(), answers);
			}
			return new Fixture(text(root.required("generator")), text(root.required("release")), instants, zones);
		}

		private static String text(JsonNode node) {
			assertThat(node.isString()).as("string in fixture '%s': %s", LOCATION, node).isTrue();
			return node.asString();
		}

	}

}
