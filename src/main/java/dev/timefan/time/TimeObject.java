package dev.timefan.time;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The worldtimeapi.org time object: all 15 keys, in worldtimeapi's wire order, nulls
 * written.
 *
 * @param utcOffset the offset in effect, {@code +05:30}; never {@code Z}
 * @param timezone the zone's name (canonical spelling, or the alias asked for)
 * @param dayOfWeek the local day of the week, 0 = Sunday to 6 = Saturday
 * @param dayOfYear the local day of the year, 1 to 366
 * @param datetime the local date-time with 6 fractional digits and the offset
 * @param utcDatetime the same instant in UTC, 6 fractional digits, suffix {@code +00:00}
 * @param unixtime seconds since the epoch, truncated
 * @param rawOffset the standard (non-DST) offset in seconds
 * @param weekNumber the ISO-8601 week of the local date
 * @param dst whether daylight saving time is in effect
 * @param abbreviation the tz database's abbreviation, such as {@code IST}, {@code CEST}
 * or {@code -03}
 * @param dstOffset the daylight saving in effect, in seconds
 * @param dstFrom the start of the current DST period as a UTC instant, or null outside
 * DST
 * @param dstUntil the end of the current DST period as a UTC instant, or null outside DST
 * @param clientIp the caller's address
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "utc_offset", "timezone", "day_of_week", "day_of_year", "datetime", "utc_datetime", "unixtime",
		"raw_offset", "week_number", "dst", "abbreviation", "dst_offset", "dst_from", "dst_until", "client_ip" })
@Schema(name = "TimeObject", description = "The worldtimeapi.org time object", example = """
		{"utc_offset":"+05:30","timezone":"Asia/Kolkata","day_of_week":3,"day_of_year":274,\
		"datetime":"2025-10-01T16:09:20.975255+05:30","utc_datetime":"2025-10-01T10:39:20.975255+00:00",\
		"unixtime":1759315160,"raw_offset":19800,"week_number":40,"dst":false,"abbreviation":"IST",\
		"dst_offset":0,"dst_from":null,"dst_until":null,"client_ip":"127.0.0.1"}""")
public record TimeObject(@JsonProperty("utc_offset") String utcOffset, String timezone,
		@JsonProperty("day_of_week") int dayOfWeek, @JsonProperty("day_of_year") int dayOfYear, String datetime,
		@JsonProperty("utc_datetime") String utcDatetime, long unixtime, @JsonProperty("raw_offset") int rawOffset,
		@JsonProperty("week_number") int weekNumber, boolean dst, String abbreviation,
		@JsonProperty("dst_offset") int dstOffset, @JsonProperty("dst_from") @Schema(types = {
				"string", "null" }) @Nullable String dstFrom,
		@JsonProperty("dst_until") @Schema(types = { "string", "null" }) @Nullable String dstUntil,
		@JsonProperty("client_ip") String clientIp){

	/**
	 * The same time object for another caller.
	 * @param clientIp the caller's address
	 * @return a copy with that {@code client_ip}
	 */
	public TimeObject withClientIp(String clientIp) {
		return new TimeObject(this.utcOffset, this.timezone, this.dayOfWeek, this.dayOfYear, this.datetime,
				this.utcDatetime, this.unixtime, this.rawOffset, this.weekNumber, this.dst, this.abbreviation,
				this.dstOffset, this.dstFrom, this.dstUntil, clientIp);
	}

}
