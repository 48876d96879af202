package dev.timefan.geoip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IpLiteral}: IPv4 and IPv6 literals read as the addresses they name, everything
 * else (host names, the BSD shorthand forms, zone indexes) refused, whatever the input,
 * without resolving a name.
 */
class IpLiteralTests {

	@ParameterizedTest
	@CsvSource(textBlock = """
			8.8.8.8,                  8.8.8.8
			81.2.69.160,              81.2.69.160
			0.0.0.0,                  0.0.0.0
			255.255.255.255,          255.255.255.255
			127.0.0.1,                127.0.0.1
			""")
	void readsDottedQuadIpv4(String literal, String address) {
		assertThat(IpLiteral.parse(literal)).isInstanceOf(Inet4Address.class)
			.extracting(InetAddress::getHostAddress)
			.isEqualTo(address);
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			2001:4860:4860::8888,     2001:4860:4860:0:0:0:0:8888
			2001:DB8::1,              2001:db8:0:0:0:0:0:1
			::1,                      0:0:0:0:0:0:0:1
			0:0:0:0:0:0:0:1,          0:0:0:0:0:0:0:1
			::,                       0:0:0:0:0:0:0:0
			fd00::1,                  fd00:0:0:0:0:0:0:1
			64:ff9b::8.8.8.8,         64:ff9b:0:0:0:0:808:808
			""")
	void readsIpv6(String literal, String address) {
		assertThat(IpLiteral.parse(literal)).isInstanceOf(Inet6Address.class)
			.extracting(InetAddress::getHostAddress)
			.isEqualTo(address);
	}

	@ParameterizedTest
	@ValueSource(strings = { "::ffff:81.2.69.160", "::FFFF:81.2.69.160" })
	void readsAnIpv4MappedIpv6AddressAsTheIpv4Address(String literal) throws Exception {
		assertThat(IpLiteral.parse(literal)).isEqualTo(InetAddress.ofLiteral("81.2.69.160"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "localhost", "example.com", "dns.google", "8.8.8.8 ", " 8.8.8.8", "8.8.8", "8.8",
			"8", "134744072", "08.8.8.8", "010.1.1.1", "0x8.8.8.8", "256.1.1.1", "1.2.3.4.5", "1..2.3", "-1.2.3.4",
			"1.2.3.4/24", "[::1]", "fe80::1%eth0", "fe80::1%1", "2001:db8::g", "2001:db8:::1", ":::",
			"1:2:3:4:5:6:7:8:9", "::ffff:256.1.1.1", "2001:db8::1/64", "１.２.３.４" })
	void refusesWhatIsNotAPlainLiteral(String text) {
		assertThat(IpLiteral.parse(text)).isNull();
	}

	@Property(tries = 2000)
	void anyTextIsAnAddressOrNothingNeverAnException(@ForAll @Size(max = 60) String text) {
		InetAddress address = IpLiteral.parse(text);
		if (address != null) {
			assertThat(text).matches("[0-9A-Fa-f:.]+");
		}
	}

	@Property(tries = 500)
	void everyIpv4AddressReadsBackFromItsText(@ForAll @IntRange(max = 255) int a, @ForAll @IntRange(max = 255) int b,
			@ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d) {
		String text = a + "." + b + "." + c + "." + d;
		assertThat(IpLiteral.parse(text)).isNotNull().extracting(InetAddress::getHostAddress).isEqualTo(text);
	}

	@Property(tries = 500)
	void everyIpv6AddressReadsBackFromItsText(@ForAll @Size(16) byte[] bytes) throws Exception {
		InetAddress address = InetAddress.getByAddress(bytes);
		assertThat(IpLiteral.parse(address.getHostAddress())).isEqualTo(address);
	}

}
