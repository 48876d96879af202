package dev.timefan.geoip;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.timefan.geoip.GeoIpDatabase.Description;
import dev.timefan.geoip.IpZones.Basis;
import dev.timefan.geoip.IpZones.Placement;
import dev.timefan.time.ZoneCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link IpZones} over the test databases, read by MaxMind's reader: both layouts that
 * carry a zone, IPv4 and IPv6, the default zone for private, loopback and unplaceable
 * addresses, and the settings refused at start-up with a message naming them.
 */
class IpZonesTests {

	private static final ZoneCatalog CATALOG = ZoneCatalog.load();

	private static final String DEFAULT = "Europe/Paris";

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private IpZones zones;

	@AfterEach
	void close() throws IOException {
		if (this.zones != null) {
			this.zones.close();
		}
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			81.2.69.160,          Europe/London
			::ffff:81.2.69.160,   Europe/London
			203.0.113.9,          Asia/Kolkata
			2001:db8:a::1,        Asia/Tokyo
			2001:db8:a:ffff::9,   Asia/Tokyo
			""")
	void placesIpv4AndIpv6InTheCityLayout(String address, String zone) {
		this.zones = zones(GeoIpFixtures.CITY);
		assertThat(this.zones.locate(address(address))).isEqualTo(placed(zone));
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			81.2.69.160,          Europe/London
			203.0.113.9,          Asia/Kolkata
			2001:db8:a::1,        Asia/Tokyo
			2001:db8:b::1,        America/Sao_Paulo
			""")
	void placesIpv4AndIpv6InIpLocationDbsFlatLayoutAcrossItsTwoFiles(String address, String zone) {
		this.zones = zones(GeoIpFixtures.FLAT_IPV4, GeoIpFixtures.FLAT_IPV6);
		assertThat(this.zones.locate(address(address))).isEqualTo(placed(zone));
	}

	/**
	 * 2001:db8:b::1 begins with the 32 bits of 32.1.13.184, which the IPv4-only file
	 * places in Abidjan: asked there, MaxMind's reader would answer for those bits.
	 */
	@Test
	void neverAsksAnIpv4OnlyDatabaseAboutAnIpv6Address() {
		this.zones = zones(GeoIpFixtures.FLAT_IPV4);
		assertThat(this.zones.locate(address("32.1.13.184"))).isEqualTo(placed("Africa/Abidjan"));
		assertThat(this.zones.locate(address("2001:db8:b::1"))).isEqualTo(unplaced());
	}

	@Test
	void asksTheDatabasesInOrderUntilOnePlacesTheAddress() {
		this.zones = zones(GeoIpFixtures.FLAT_IPV6, GeoIpFixtures.CITY);
		assertThat(this.zones.locate(address("2001:db8:a::1"))).isEqualTo(placed("Asia/Tokyo"));
		assertThat(this.zones.locate(address("81.2.69.160"))).isEqualTo(placed("Europe/London"));
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			# no record at all
			8.8.8.8
			2001:4860:4860::8888
			# a record placing it in a country, without a location (like GeoLite2's 1.1.1.1)
			198.51.100.7
			# a location without a zone
			192.0.2.1
			# a zone the tz database does not know
			192.0.2.200
			""")
	void givesTheDefaultZoneToAnAddressNoDatabasePlaces(String address) {
		this.zones = zones(GeoIpFixtures.CITY);
		assertThat(this.zones.locate(address(address))).isEqualTo(unplaced());
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aRecordOfAnotherLayoutIsUnplacedWarnedOfOnceAndTheNextDatabaseAsked(CapturedOutput output) {
		this.zones = zones(GeoIpFixtures.ODD_LAYOUT, GeoIpFixtures.CITY);
		assertThat(this.zones.locate(address("203.0.113.9"))).isEqualTo(placed("Asia/Kolkata"));
		assertThat(this.zones.locate(address("198.51.100.7"))).isEqualTo(unplaced());
		assertThat(this.zones.locate(address("198.51.100.8"))).isEqualTo(unplaced());
		assertThat(output.getAll().split("A record of GeoIP database odd layout could not be read", -1)).hasSize(2);
	}

	/** The test database places 10/8, 127/8, ::1 and fd00::/8 in Auckland. */
	@ParameterizedTest
	@ValueSource(strings = { "10.1.2.3", "127.0.0.1", "::1", "fd00::1", "192.168.1.20", "172.16.0.1", "100.64.0.1",
			"169.254.1.1", "fe80::1", "0.0.0.0", "::", "224.0.0.1" })
	void givesTheDefaultZoneToPrivateAndLoopbackAddressesWithoutAskingTheDatabase(String address) {
		this.zones = zones(GeoIpFixtures.CITY);
		assertThat(this.zones.locate(address(address))).isEqualTo(new Placement(CATALOG.find(DEFAULT), Basis.PRIVATE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "81.2.69.160", "2001:db8:a::1" })
	void givesEveryPublicAddressTheDefaultZoneWithoutADatabase(String address) {
		this.zones = zones();
		assertThat(this.zones.locate(address(address))).isEqualTo(unplaced());
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			8.8.8.8,            true
			100.63.255.255,     true
			100.128.0.0,        true
			172.32.0.1,         true
			2001:db8::1,        true
			fbff::1,            true
			fe00::1,            true
			100.64.0.0,         false
			100.127.255.255,    false
			172.31.255.255,     false
			fc00::1,            false
			fdff::1,            false
			ff02::1,            false
			""")
	void tellsPublicAddressesFromTheRest(String address, boolean public_) {
		assertThat(IpZones.isPublic(address(address))).isEqualTo(public_);
	}

	@Test
	void countsLookupsByHowTheZoneWasFound() {
		this.zones = zones(GeoIpFixtures.CITY);
		this.zones.locate(address("81.2.69.160"));
		this.zones.locate(address("2001:db8:a::1"));
		this.zones.locate(address("10.0.0.1"));
		this.zones.locate(address("8.8.8.8"));
		this.zones.unplaceable();
		assertThat(count("located")).isEqualTo(2);
		assertThat(count("private")).isEqualTo(1);
		assertThat(count("unplaced")).isEqualTo(2);
		assertThat(this.registry.get("timefan.ip.lookups").counter().getId().getDescription()).isNotBlank();
	}

	@Test
	void describesEachDatabaseByItsMetadataNeverItsPath() {
		this.zones = zones(GeoIpFixtures.CITY, GeoIpFixtures.FLAT_IPV4);
		Instant built = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(this.zones.describe()).containsEntry("default_zone", DEFAULT)
			.containsEntry("databases",
					List.of(new Description("GeoIP2-City", built, 6), new Description("city ipv4", built, 4)));
	}

	@Test
	void aFileThatIsNotAMaxMindDatabaseStopsStartUp(@TempDir Path directory) throws IOException {
		Path text = Files.writeString(directory.resolve("GeoLite2-City.mmdb"), "not a database\n");
		assertThatIllegalStateException()
			.isThrownBy(() -> configure(List.of(GeoIpFixtures.path(GeoIpFixtures.CITY), text), "UTC"))
			.withMessageContaining("timefan.ip.databases")
			.withMessageContaining(text.toString())
			.withMessageContaining("not a MaxMind DB");
	}

	@Test
	void anUnknownDefaultZoneStopsStartUpWithSuggestions() {
		assertThatIllegalStateException().isThrownBy(() -> configure(List.of(), "Europe/Pariss"))
			.withMessageContaining("timefan.ip.default-zone")
			.withMessageContaining("'Europe/Pariss'")
			.withMessageContaining("Europe/Paris");
	}

	@Test
	void theDefaultZoneIsMatchedCaseInsensitively() {
		this.zones = configure(List.of(), "europe/paris");
		assertThat(this.zones.locate(address("10.0.0.1")).zone().name()).isEqualTo(DEFAULT);
	}

	private IpZones zones(String... files) {
		return configure(List.of(files).stream().map(GeoIpFixtures::path).toList(), DEFAULT);
	}

	private IpZones configure(List<Path> databases, String defaultZone) {
		return new GeoIpConfiguration().ipZones(new GeoIpProperties(databases, defaultZone), CATALOG, this.registry);
	}

	private double count(String outcome) {
		return this.registry.get("timefan.ip.lookups").tag("outcome", outcome).counter().count();
	}

	private static Placement placed(String zone) {
		return new Placement(CATALOG.find(zone), Basis.LOCATED);
	}

	private static Placement unplaced() {
		return new Placement(CATALOG.find(DEFAULT), Basis.UNPLACED);
	}

	private static InetAddress address(String literal) {
		InetAddress address = IpLiteral.parse(literal);
		assertThat(address).as(literal).isNotNull();
		return address;
	}

}
