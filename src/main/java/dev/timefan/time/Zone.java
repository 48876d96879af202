package dev.timefan.time;

import org.joda.time.DateTimeZone;

/**
 * A zone of the catalog: its name as the catalog spells it (an alias stays the alias) and
 * the rules of the tz database release that answers for it.
 *
 * @param name the catalog's spelling of the name asked for, such as {@code Asia/Kolkata}
 * or {@code GB}
 * @param rules the tz database rules of that name
 */
public record Zone(String name, DateTimeZone rules) {

	@Override
	public String toString() {
		return this.name;
	}

}
