package dev.timefan.zones;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import dev.timefan.fanout.Problems;
import dev.timefan.time.TimeArgument;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /zones/{zone}/transitions} and {@code /convert}: a zone's offset changes in a
 * range, and a time in one zone converted to another, from the local tz database.
 */
@RestController
@Tag(name = "zones", description = "A zone's transitions, and a local time converted between zones")
class ZonesController {

	/** How many transitions an answer lists unless {@code limit} says otherwise. */
	static final int DEFAULT_LIMIT = 100;

	/** The most transitions an answer lists. */
	static final int MAX_LIMIT = 1000;

	private static final String PROBLEM = "application/problem+json";

	private static final String FROM_DOC = "the start of the range, included: an ISO-8601 instant with Z or an "
			+ "offset, epoch seconds, or a date (its start in UTC); default now";

	private static final String TO_DOC = "the end of the range, excluded, in the same forms; default a year after from";

	private static final String LIMIT_DOC = "the most transitions to list, 1 to " + MAX_LIMIT + "; default "
			+ DEFAULT_LIMIT + ". When the range holds more, truncated is true";

	private static final String BAD_RANGE = "An unreadable or out-of-range from or to, from after to, "
			+ "or a limit out of range";

	private final ZoneCatalog catalog;

	private final Clock clock;

	ZonesController(ZoneCatalog catalog, Clock clock) {
		this.catalog = catalog;
		this.clock = clock;
	}

	@Operation(summary = "The transitions of a one-segment zone (UTC, GB, CET) in a range")
	@ApiResponse(responseCode = "200", description = "The transitions, earliest first")
	@ApiResponse(responseCode = "400", description = BAD_RANGE,
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@GetMapping("/zones/{zone}/transitions")
	ZoneTransitions oneSegmentTransitions(@Parameter(example = "GB") @PathVariable String zone,
			@Parameter(description = FROM_DOC,
					example = "2026-01-01") @RequestParam(required = false) @Nullable String from,
			@Parameter(description = TO_DOC,
					example = "2027-01-01") @RequestParam(required = false) @Nullable String to,
			@Parameter(description = LIMIT_DOC) @RequestParam(required = false) @Nullable Integer limit) {
		return between(zone, from, to, limit);
	}

	@Operation(summary = "The transitions of a zone such as Europe/London in a range: every change of its "
			+ "offset or abbreviation, with the wall clock before and after")
	@ApiResponse(responseCode = "200", description = "The transitions, earliest first")
	@ApiResponse(responseCode = "400", description = BAD_RANGE,
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@GetMapping("/zones/{area}/{location}/transitions")
	ZoneTransitions transitions(@Parameter(example = "Europe") @PathVariable String area,
			@Parameter(example = "London") @PathVariable String location,
			@Parameter(description = FROM_DOC,
					example = "2026-01-01") @RequestParam(required = false) @Nullable String from,
			@Parameter(description = TO_DOC,
					example = "2027-01-01") @RequestParam(required = false) @Nullable String to,
			@Parameter(description = LIMIT_DOC) @RequestParam(required = false) @Nullable Integer limit) {
		return between(area + "/" + location, from, to, limit);
	}

	@Operation(summary = "The transitions of a three-segment zone such as America/Argentina/Buenos_Aires")
	@ApiResponse(responseCode = "200", description = "The transitions, earliest first")
	@ApiResponse(responseCode = "400", description = BAD_RANGE,
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@GetMapping("/zones/{area}/{location}/{region}/transitions")
	ZoneTransitions threeSegmentTransitions(@Parameter(example = "America") @PathVariable String area,
			@Parameter(example = "Argentina") @PathVariable String location,
			@Parameter(example = "Buenos_Aires") @PathVariable String region,
			@Parameter(description = FROM_DOC,
					example = "2026-01-01") @RequestParam(required = false) @Nullable String from,
			@Parameter(description = TO_DOC,
					example = "2027-01-01") @RequestParam(required = false) @Nullable String to,
			@Parameter(description = LIMIT_DOC) @RequestParam(required = false) @Nullable Integer limit) {
		return between(area + "/" + location + "/" + region, from, to, limit);
	}

	@Operation(summary = "A local date-time in one zone converted to another, its DST gap or overlap said",
			description = "at is a local date-time in from (2026-03-08T02:30), or an instant. A local time the "
					+ "clocks skipped (a gap) is read as java.time does: moved later by the gap's length; one they "
					+ "went back over (an overlap) is answered for the earlier of its two instants, the later given "
					+ "in later. status says which: unique, gap or overlap, and note says what happened")
	@ApiResponse(responseCode = "200", description = "The conversion")
	@ApiResponse(responseCode = "400", description = "A missing from or to, or an unreadable or out-of-range at",
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@ApiResponse(responseCode = "404", description = "Unknown zone, with suggestions",
			content = @Content(mediaType = PROBLEM, schema = @Schema(ref = "Problem")))
	@GetMapping("/convert")
	Conversion convert(
			@Parameter(description = "the zone at is in", example = "America/New_York") @RequestParam String from,
			@Parameter(description = "the zone to convert to", example = "Europe/London") @RequestParam String to,
			@Parameter(
					description = "a local date-time in from (2026-03-08T02:30, seconds and a fraction "
							+ "optional), or an instant (ISO-8601 with Z or an offset, or epoch seconds); default now",
					example = "2026-03-08T02:30") @RequestParam(required = false) @Nullable String at) {
		Zone source = zone(from);
		Zone target = zone(to);
		if (at == null) {
			// To the microsecond, as the time object has it.
			return Conversion.of(this.clock.instant().truncatedTo(ChronoUnit.MICROS), source, target);
		}
		return switch (read(() -> TimeArgument.instantOrLocal("at", at))) {
			case TimeArgument.Exact exact -> Conversion.of(exact.instant(), source, target);
			case TimeArgument.Local local -> Conversion.of(local.dateTime(), source, target);
			case TimeArgument.Day day -> throw new IllegalStateException("a date read as a date-time: " + day);
		};
	}

	private ZoneTransitions between(String name, @Nullable String from, @Nullable String to, @Nullable Integer limit) {
		Zone zone = zone(name);
		int most = (limit != null) ? limit : DEFAULT_LIMIT;
		if (most < 1 || most > MAX_LIMIT) {
			throw Problems.badRequest("limit=" + most + " is out of range: from 1 to " + MAX_LIMIT);
		}
		Instant start = (from != null) ? read(() -> TimeArgument.instantOrDay("from", from))
				: this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant end = (to != null) ? read(() -> TimeArgument.instantOrDay("to", to)) : aYearAfter(start);
		if (start.isAfter(end)) {
			throw Problems.badRequest("from=" + Wall.utc(start) + " is after to=" + Wall.utc(end)
					+ ((from == null) ? " (from defaults to now)" : ""));
		}
		return ZoneTransitions.between(zone, start, end, most);
	}

	/** A year later by the UTC calendar, within what {@code to} may be. */
	private static Instant aYearAfter(Instant start) {
		Instant later = OffsetDateTime.ofInstant(start, ZoneOffset.UTC).plusYears(1).toInstant();
		return later.isBefore(TimeArgument.END) ? later : TimeArgument.END;
	}

	private Zone zone(String name) {
		Zone zone = this.catalog.find(name);
		if (zone == null) {
			throw Problems.unknownZone(name, this.catalog.suggest(name));
		}
		return zone;
	}

	/** Reads a parameter; what cannot be read is a 400 that says why. */
	private static <T> T read(Reading<T> reading) {
		try {
			return reading.read();
		}
		catch (IllegalArgumentException ex) {
			throw Problems.badRequest(ex.getMessage());
		}
	}

	@FunctionalInterface
	private interface Reading<T> {

		T read();

	}

}
