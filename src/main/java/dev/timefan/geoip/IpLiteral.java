package dev.timefan.geoip;

import java.net.InetAddress;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads an IP address literal, never a host name: nothing here resolves a name or asks
 * the network. Stricter than {@link InetAddress#ofLiteral}: an IPv4 address is four
 * decimal numbers from 0 to 255 without leading zeros ({@code 8.8.8.8}; not
 * {@code 0x8.8.8.8}, {@code 010.8.8.8} or {@code 134744072}, which other parsers read as
 * other addresses), an IPv6 address has no brackets and no zone index ({@code %eth0}
 * names an interface of the caller's host, meaningless here).
 */
public final class IpLiteral {

	private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

	private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");

	/** Hex groups, colons and an embedded IPv4 tail; ofLiteral checks the rest. */
	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

	private IpLiteral() {
	}

	/**
	 * The address a literal names.
	 * @param text the literal, such as {@code 203.0.113.9} or {@code 2001:db8::1}
	 * @return the address, or null when the text is not an IPv4 or IPv6 literal
	 */
	public static @Nullable InetAddress parse(String text) {
		boolean v6 = text.indexOf(':') >= 0;
		if (!(v6 ? IPV6 : IPV4).matcher(text).matches()) {
			return null;
		}
		try {
			return InetAddress.ofLiteral(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
