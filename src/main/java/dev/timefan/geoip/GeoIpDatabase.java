package dev.timefan.geoip;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.maxmind.db.CHMCache;
import com.maxmind.db.DeserializationException;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One MaxMind DB file, open for lookups (memory-mapped; MaxMind's reader is thread-safe).
 * It reads the zone of both layouts that carry one: GeoIP2/GeoLite2 City's
 * {@code location.time_zone} and ip-location-db's flat {@code timezone}.
 */
final class GeoIpDatabase implements Closeable {

	private static final Log log = LogFactory.getLog(GeoIpDatabase.class);

	private final Reader reader;

	private final Metadata metadata;

	private final AtomicBoolean warned = new AtomicBoolean();

	private GeoIpDatabase(Reader reader) {
		this.reader = reader;
		this.metadata = reader.getMetadata();
	}

	/**
	 * Opens a database file.
	 * @param file the file
	 * @return the open database
	 * @throws IllegalStateException when the file cannot be read or is not a MaxMind DB,
	 * naming the setting and the file
	 */
	static GeoIpDatabase open(Path file) {
		try {
			return new GeoIpDatabase(new Reader(file.toFile(), new CHMCache()));
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException(GeoIpProperties.PREFIX + ".databases: '" + file
					+ "' is not a MaxMind DB file (" + ex.getMessage() + ")", ex);
		}
	}

	/**
	 * The zone the database gives an address.
	 * @param address the address
	 * @return the zone's name as the database spells it, or null when the database does
	 * not place the address: no record, a record without a zone, an IPv6 address asked of
	 * an IPv4-only database (whose tree would answer for its first 32 bits), or a record
	 * that cannot be read (a corrupt file, a layout where {@code location} or
	 * {@code timezone} is something else), which is logged
	 */
	@Nullable String zoneOf(InetAddress address) {
		if (address instanceof Inet6Address && this.metadata.ipVersion() == 4) {
			return null;
		}
		ZoneRecord record;
		try {
			record = this.reader.get(address, ZoneRecord.class);
		}
		catch (IOException | DeserializationException ex) {
			unreadable(ex);
			return null;
		}
		if (record == null) {
			return null;
		}
		if (record.location() != null && record.location().timeZone() != null) {
			return record.location().timeZone();
		}
		return record.timezone();
	}

	/**
	 * What the file says it is, for {@code /actuator/info}: its type, build time and IP
	 * version (never its path).
	 * @return the description
	 */
	Description describe() {
		return new Description(this.metadata.databaseType(), this.metadata.buildTime(), this.metadata.ipVersion());
	}

	/**
	 * Logs a record that could not be read: a warning the first time, as every lookup may
	 * fail alike, then at debug level.
	 */
	private void unreadable(Exception ex) {
		String message = "A record of GeoIP database " + this.metadata.databaseType() + " could not be read ("
				+ ex.getMessage() + "); the address gets the default zone. A corrupt file, one replaced while "
				+ "timefan ran, or a layout whose location or timezone is not the GeoIP2 City's or ip-location-db's";
		if (this.warned.compareAndSet(false, true)) {
			log.warn(message);
		}
		else if (log.isDebugEnabled()) {
			log.debug(message);
		}
	}

	@Override
	public void close() throws IOException {
		this.reader.close();
	}

	/**
	 * A database as {@code /actuator/info} shows it.
	 *
	 * @param type the database type its metadata names, such as {@code GeoLite2-City}
	 * @param built when it was built
	 * @param ipVersion 4 for an IPv4-only tree, 6 otherwise
	 */
	record Description(String type, Instant built, @JsonProperty("ip_version") int ipVersion) {

	}

	/**
	 * The parts of a record that carry a zone, in either layout; the reader fills what
	 * the record has and leaves the rest null.
	 *
	 * @param location GeoIP2/GeoLite2 City's location
	 * @param timezone ip-location-db's zone
	 */
	public record ZoneRecord(@MaxMindDbParameter(name = "location") @Nullable Location location,
			@MaxMindDbParameter(name = "timezone") @Nullable String timezone) {

	}

	/**
	 * GeoIP2/GeoLite2 City's location.
	 *
	 * @param timeZone the IANA zone of the location
	 */
	public record Location(@MaxMindDbParameter(name = "time_zone") @Nullable String timeZone) {

	}

}
