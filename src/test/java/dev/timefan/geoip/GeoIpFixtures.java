package dev.timefan.geoip;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The MaxMind DB files made for the tests (src/test/geoip/generate-fixtures.pl): real
 * files in both layouts, read by the real reader.
 */
public final class GeoIpFixtures {

	/** The GeoIP2/GeoLite2 City layout, IPv4 aliased into an IPv6 tree. */
	public static final String CITY = "city.mmdb";

	/** ip-location-db's flat layout, IPv4 only. */
	public static final String FLAT_IPV4 = "flat-ipv4.mmdb";

	/** ip-location-db's flat layout, IPv6 only. */
	public static final String FLAT_IPV6 = "flat-ipv6.mmdb";

	/** Records whose location or timezone no layout has. */
	public static final String ODD_LAYOUT = "odd-layout.mmdb";

	private GeoIpFixtures() {
	}

	/**
	 * A fixture's absolute path.
	 * @param name the file's name
	 * @return the path
	 */
	public static Path path(String name) {
		URL url = GeoIpFixtures.class.getResource("/geoip/" + name);
		if (url == null) {
			throw new IllegalStateException("no test database " + name + " under src/test/resources/geoip");
		}
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
