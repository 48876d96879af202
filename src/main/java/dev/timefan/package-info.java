/**
 * timefan: the time core ({@code time}), the fan-out seam ({@code fanout}) with one
 * package per strategy ({@code threads}, {@code virtual}, {@code processes}), the
 * worldtimeapi-compatible API ({@code worldtimeapi}), per-client rate limits
 * ({@code ratelimit}) and cross-cutting web configuration ({@code web}).
 */
@NullMarked
package dev.timefan;

import org.jspecify.annotations.NullMarked;
