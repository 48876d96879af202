/**
 * Beyond worldtimeapi: a zone's transitions in a range, and a local date-time converted
 * from one zone to another with its DST gaps and overlaps said, each from the same
 * Joda-Time rules (one tz database release) that every time object comes from.
 */
@NullMarked
package dev.timefan.zones;

import org.jspecify.annotations.NullMarked;
