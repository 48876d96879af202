package dev.timefan.worldtimeapi;

import java.net.InetAddress;
import java.net.URI;

import dev.timefan.geoip.IpLiteral;
import dev.timefan.geoip.IpZones;
import dev.timefan.geoip.IpZones.Placement;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/ip...}: worldtimeapi.org's time object of the zone an address is in (a
 * GeoIP database's answer, or the default zone for private, loopback and unplaceable
 * addresses), with {@code client_ip} the address asked about: the caller's own for
 * {@code /api/ip}, the one in the path for {@code /api/ip/{address}}. Only IPv4 and IPv6
 * literals are read; a host name is malformed, never resolved.
 */
@RestController
@RequestMapping("/api")
@Tag(name = "worldtimeapi")
class IpController {

	private static final String TXT = ".txt";

	/** The most characters of a malformed address echoed in its error. */
	private static final int ECHO_LIMIT = 64;

	private static final String TIME_EXAMPLE = """
			{"utc_offset":"+01:00","timezone":"Europe/London","day_of_week":4,"day_of_year":212,\
			"datetime":"2025-07-31T17:09:21.105749+01:00","utc_datetime":"2025-07-31T16:09:21.105749+00:00",\
			"unixtime":1753978161,"raw_offset":0,"week_number":31,"dst":true,"abbreviation":"BST",\
			"dst_offset":3600,"dst_from":"2025-03-30T01:00:00+00:00","dst_until":"2025-10-26T01:00:00+00:00",\
			"client_ip":"81.2.69.160"}""";

	private final IpZones zones;

	private final WorldClock clock;

	private final JsonMapper mapper;

	IpController(IpZones zones, WorldClock clock, JsonMapper mapper) {
		this.zones = zones;
		this.clock = clock;
		this.mapper = mapper;
	}

	@Operation(summary = "The time object of the caller's zone (by its address: GeoIP, or timefan.ip.default-zone "
			+ "for private, loopback and unplaceable addresses); client_ip is the caller's address")
	@ApiResponse(responseCode = "200", description = "The time object",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = TimeObject.class),
					examples = @ExampleObject(value = TIME_EXAMPLE)))
	@GetMapping("/ip")
	ResponseEntity<Object> caller(HttpServletRequest request) {
		return time(callerPlacement(request.getRemoteAddr()), request.getRemoteAddr(), false);
	}

	@Operation(summary = "The time object of the caller's zone, as key: value lines")
	@ApiResponse(responseCode = "200", description = "The time object",
			content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE))
	@GetMapping("/ip.txt")
	ResponseEntity<Object> callerText(HttpServletRequest request) {
		return time(callerPlacement(request.getRemoteAddr()), request.getRemoteAddr(), true);
	}

	@Operation(summary = "The time object of the zone an IPv4 or IPv6 address is in; append .txt for plain text")
	@ApiResponse(responseCode = "200", description = "The time object, client_ip the address asked about",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = TimeObject.class),
					examples = @ExampleObject(value = TIME_EXAMPLE)))
	@ApiResponse(responseCode = "400",
			description = "Not an IPv4 or IPv6 literal (host names are not resolved); .txt: a plain-text error",
			content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
	@GetMapping("/ip/{address}")
	ResponseEntity<Object> address(@Parameter(description = "an IPv4 or IPv6 literal, optionally with .txt",
			example = "81.2.69.160") @PathVariable String address) {
		boolean text = address.endsWith(TXT);
		String literal = text ? address.substring(0, address.length() - TXT.length()) : address;
		InetAddress parsed = IpLiteral.parse(literal);
		if (parsed == null) {
			return malformed(literal, text);
		}
		return time(this.zones.locate(parsed), literal, text);
	}

	/**
	 * The caller's zone. Its address is the request's remote address, set from the
	 * forwarded headers when {@code server.forward-headers-strategy} says so (the rate
	 * limits count by the same one); one that is not a literal (a forwarded header naming
	 * none) gets the default zone.
	 */
	private Placement callerPlacement(String remoteAddress) {
		int scope = remoteAddress.indexOf('%');
		InetAddress parsed = IpLiteral.parse((scope >= 0) ? remoteAddress.substring(0, scope) : remoteAddress);
		return (parsed != null) ? this.zones.locate(parsed) : this.zones.unplaceable();
	}

	private ResponseEntity<Object> time(Placement placement, String clientIp, boolean text) {
		TimeObject time = this.clock.now(placement.zone(), clientIp);
		if (text) {
			return ResponseEntity.ok().contentType(PlainText.TEXT).body(PlainText.of(time, this.mapper));
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(time);
	}

	private static ResponseEntity<Object> malformed(String literal, boolean text) {
		String detail = "malformed IP address '" + echo(literal)
				+ "': an IPv4 (203.0.113.9) or IPv6 (2001:db8::1) literal is expected";
		if (text) {
			return ResponseEntity.badRequest().contentType(PlainText.TEXT).body(PlainText.error(detail));
		}
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		body.setType(URI.create("urn:timefan:problem:bad-request"));
		body.setTitle("Malformed request");
		throw new ErrorResponseException(HttpStatus.BAD_REQUEST, body, null);
	}

	/** What was asked, printable and short. */
	private static String echo(String literal) {
		String printable = literal.codePoints()
			.map((c) -> Character.isISOControl(c) ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		if (printable.codePointCount(0, printable.length()) <= ECHO_LIMIT) {
			return printable;
		}
		return printable.substring(0, printable.offsetByCodePoints(0, ECHO_LIMIT)) + "...";
	}

}
