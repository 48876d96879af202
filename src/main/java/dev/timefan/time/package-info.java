/**
 * The time core: the zone catalog and the worldtimeapi time object, every field from the
 * one tz database release that Joda-Time ships (not the JDK's bundled copy). Free of
 * Spring, so a worker process can use it as it is.
 */
@NullMarked
package dev.timefan.time;

import org.jspecify.annotations.NullMarked;
