package dev.timefan.geoip;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GeoIP settings as Boot binds them: no database and UTC by default, a list of files,
 * and a file that is not there refused at start-up with a message naming the setting and
 * the file.
 */
class GeoIpPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsToNoDatabaseAndUtc() {
		this.runner.run((context) -> {
			GeoIpProperties properties = context.getBean(GeoIpProperties.class);
			assertThat(properties.databases()).isEmpty();
			assertThat(properties.defaultZone()).isEqualTo("UTC");
		});
	}

	@Test
	void takesACommaListOfFilesAndAZone() {
		Path ipv4 = GeoIpFixtures.path(GeoIpFixtures.FLAT_IPV4);
		Path ipv6 = GeoIpFixtures.path(GeoIpFixtures.FLAT_IPV6);
		this.runner
			.withPropertyValues("timefan.ip.databases=" + ipv4 + "," + ipv6, "timefan.ip.default-zone=Europe/Paris")
			.run((context) -> assertThat(context.getBean(GeoIpProperties.class))
				.isEqualTo(new GeoIpProperties(List.of(ipv4, ipv6), "Europe/Paris")));
	}

	@Test
	void aMissingDatabaseStopsStartUpNamingTheSettingAndTheFile(@TempDir Path directory) {
		Path missing = directory.resolve("GeoLite2-City.mmdb");
		this.runner.withPropertyValues("timefan.ip.databases=" + missing)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("timefan.ip.databases: '" + missing
						+ "' is not a readable file (a MaxMind DB such as GeoLite2-City.mmdb)"));
	}

	@Test
	void aDirectoryIsNoDatabase(@TempDir Path directory) {
		this.runner.withPropertyValues("timefan.ip.databases=" + directory)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'" + directory + "' is not a readable file"));
	}

	@Test
	void aBlankDefaultZoneStopsStartUp() {
		this.runner.withPropertyValues("timefan.ip.default-zone= ")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("timefan.ip.default-zone must name a time zone"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GeoIpProperties.class)
	static class PropertiesConfiguration {

	}

}
