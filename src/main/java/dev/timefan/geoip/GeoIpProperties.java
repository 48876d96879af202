package dev.timefan.geoip;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where {@code /api/ip} finds an address's zone. The caller's own address is the
 * request's remote address: behind a proxy, set {@code server.forward-headers-strategy}
 * ({@code native}: Tomcat takes {@code X-Forwarded-For} from
 * {@code server.tomcat.remoteip.internal-proxies} only), as for the rate limits.
 *
 * @param databases MaxMind DB files to look addresses up in, asked in this order until
 * one places the address: a GeoLite2 or GeoIP2 City database
 * ({@code location.time_zone}), or ip-location-db's city files ({@code timezone}; list
 * both its IPv4 and its IPv6 file). An IPv4-only file is never asked about an IPv6
 * address. None by default: every address gets the default zone. A file that cannot be
 * read stops start-up.
 * @param defaultZone the zone of private, loopback and link-local addresses (a
 * self-hosted timefan mostly serves clocks on its own network: set the household's zone),
 * and of every address no database places
 */
@ConfigurationProperties(GeoIpProperties.PREFIX)
record GeoIpProperties(@DefaultValue List<Path> databases, @DefaultValue("UTC") String defaultZone) {

	static final String PREFIX = "timefan.ip";

	GeoIpProperties {
		databases = List.copyOf(databases);
		for (Path file : databases) {
			if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
				throw new IllegalArgumentException(PREFIX + ".databases: '" + file
						+ "' is not a readable file (a MaxMind DB such as GeoLite2-City.mmdb)");
			}
		}
		if (defaultZone.isBlank()) {
			throw new IllegalArgumentException(
					PREFIX + ".default-zone must name a time zone, got '" + defaultZone + "'");
		}
	}

}
