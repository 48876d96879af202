package dev.timefan.geoip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Opens the GeoIP databases at start-up. A configured file that is missing, unreadable or
 * not a MaxMind DB stops start-up with a message naming it: someone asked for
 * geolocation, and answering every caller with the default zone instead would hide the
 * mistake (a volume not mounted, a path mistyped) behind plausible answers.
 */
@Configuration(proxyBeanMethods = false)
class GeoIpConfiguration {

	private static final Log log = LogFactory.getLog(GeoIpConfiguration.class);

	@Bean
	IpZones ipZones(GeoIpProperties properties, ZoneCatalog catalog, MeterRegistry registry) {
		Zone defaultZone = catalog.find(properties.defaultZone());
		if (defaultZone == null) {
			throw new IllegalStateException(GeoIpProperties.PREFIX + ".default-zone: unknown time zone '"
					+ properties.defaultZone() + "'; closest: " + catalog.suggest(properties.defaultZone()));
		}
		List<GeoIpDatabase> databases = new ArrayList<>();
		try {
			for (Path file : properties.databases()) {
				GeoIpDatabase database = GeoIpDatabase.open(file);
				databases.add(database);
				GeoIpDatabase.Description description = database.describe();
				log.info("GeoIP database " + file.getFileName() + ": " + description.type() + ", built "
						+ description.built() + ", IPv" + description.ipVersion());
			}
		}
		catch (RuntimeException ex) {
			closeQuietly(databases, ex);
			throw ex;
		}
		if (databases.isEmpty()) {
			log.info("No GeoIP database (" + GeoIpProperties.PREFIX + ".databases): /api/ip answers "
					+ defaultZone.name() + " for every address");
		}
		return new IpZones(databases, defaultZone, catalog, registry);
	}

	@Bean
	InfoContributor geoipInfoContributor(IpZones zones) {
		return (builder) -> builder.withDetail("geoip", zones.describe());
	}

	private static void closeQuietly(List<GeoIpDatabase> databases, RuntimeException failure) {
		for (GeoIpDatabase database : databases) {
			try {
				database.close();
			}
			catch (IOException ex) {
				failure.addSuppressed(ex);
			}
		}
	}

}
