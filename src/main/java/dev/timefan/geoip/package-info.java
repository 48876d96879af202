/**
 * Where an address is, as a time zone: the MaxMind-format GeoIP databases that
 * {@code timefan.ip.databases} names (GeoLite2 or GeoIP2 City, or ip-location-db's city
 * files), read with MaxMind's reader, and the default zone
 * ({@code timefan.ip.default-zone}) for private, loopback and unplaceable addresses. The
 * caller's address is the servlet request's remote address, which the forwarded headers
 * set when {@code server.forward-headers-strategy} says so; the rate limits count by the
 * same address.
 */
@NullMarked
package dev.timefan.geoip;

import org.jspecify.annotations.NullMarked;
