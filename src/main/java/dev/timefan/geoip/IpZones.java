package dev.timefan.geoip;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The zone an address is in: the first database that places it, or the default zone for
 * addresses that are not on the public internet (never looked up) and for those no
 * database places. A database's zone that the tz database does not know counts as
 * unplaced: no zone is guessed.
 */
public final class IpZones implements AutoCloseable {

	private final List<GeoIpDatabase> databases;

	private final Zone defaultZone;

	private final ZoneCatalog catalog;

	private final Map<Basis, Counter> lookups = new EnumMap<>(Basis.class);

	IpZones(List<GeoIpDatabase> databases, Zone defaultZone, ZoneCatalog catalog, MeterRegistry registry) {
		this.databases = List.copyOf(databases);
		this.defaultZone = defaultZone;
		this.catalog = catalog;
		for (Basis basis : Basis.values()) {
			this.lookups.put(basis,
					Counter.builder("timefan.ip.lookups")
						.description("Addresses placed in a zone for /api/ip, by how the zone was found")
						.baseUnit("addresses")
						.tag("outcome", basis.tag)
						.register(registry));
		}
	}

	/**
	 * The zone of an address.
	 * @param address the address
	 * @return the zone, and how it was found
	 */
	public Placement locate(InetAddress address) {
		Placement placement = place(address);
		this.lookups.get(placement.basis()).increment();
		return placement;
	}

	/**
	 * The zone of an address that is not a literal (a forwarded header that named none):
	 * the default zone.
	 * @return the default zone, unplaced
	 */
	public Placement unplaceable() {
		this.lookups.get(Basis.UNPLACED).increment();
		return new Placement(this.defaultZone, Basis.UNPLACED);
	}

	private Placement place(InetAddress address) {
		if (!isPublic(address)) {
			return new Placement(this.defaultZone, Basis.PRIVATE);
		}
		for (GeoIpDatabase database : this.databases) {
			String name = database.zoneOf(address);
			Zone zone = (name != null) ? this.catalog.find(name) : null;
			if (zone != null) {
				return new Placement(zone, Basis.LOCATED);
			}
		}
		return new Placement(this.defaultZone, Basis.UNPLACED);
	}

	/**
	 * What {@code /actuator/info} says of the lookups: the default zone and each
	 * database.
	 * @return the details
	 */
	Map<String, Object> describe() {
		return Map.of("default_zone", this.defaultZone.name(), "databases",
				this.databases.stream().map(GeoIpDatabase::describe).toList());
	}

	/**
	 * Closes every database.
	 * @throws IOException when one fails to close
	 */
	@Override
	public void close() throws IOException {
		for (GeoIpDatabase database : this.databases) {
			database.close();
		}
	}

	/**
	 * Whether an address may be on the public internet: not loopback, unspecified,
	 * link-local, private (RFC 1918, IPv6 unique-local {@code fc00::/7}), shared
	 * ({@code 100.64.0.0/10}, carrier-grade NAT) or multicast.
	 * @param address the address
	 * @return false for the addresses no GeoIP database can place
	 */
	static boolean isPublic(InetAddress address) {
		if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
				|| address.isSiteLocalAddress() || address.isMulticastAddress()) {
			return false;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet6Address) {
			return (bytes[0] & 0xFE) != 0xFC;
		}
		return !(address instanceof Inet4Address && (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64);
	}

	/**
	 * How an address's zone was found.
	 */
	public enum Basis {

		/** A database placed it. */
		LOCATED("located"),

		/** Not on the public internet: the default zone, without a lookup. */
		PRIVATE("private"),

		/** No database placed it (or none is configured): the default zone. */
		UNPLACED("unplaced");

		private final String tag;

		Basis(String tag) {
			this.tag = tag;
		}

	}

	/**
	 * An address's zone.
	 *
	 * @param zone the zone
	 * @param basis how it was found
	 */
	public record Placement(Zone zone, Basis basis) {

	}

}
