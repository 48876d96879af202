/**
 * The report of {@code scripts/bench-race}: its markdown tables and charts, from the
 * run's JSON lines. Built with {@code -Pbench} only, never part of the service.
 */
@NullMarked
package dev.timefan.bench;

import org.jspecify.annotations.NullMarked;
