/**
 * The worldtimeapi.org API served by timefan: {@code /api/timezone...} and their
 * {@code .txt} variants, so that a client written for worldtimeapi.org only changes its
 * base URL; optionally slow and flaky ({@code timefan.emulation.*}), to stand in for a
 * struggling upstream.
 */
@NullMarked
package dev.timefan.worldtimeapi;

import org.jspecify.annotations.NullMarked;
