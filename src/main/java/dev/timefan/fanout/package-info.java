/**
 * The fan-out seam: a {@link dev.timefan.fanout.FanoutEngine} per strategy turns a list
 * of zones into ordered outcomes under a deadline; everything around it (request parsing,
 * validation, result assembly, metrics, errors, the default route and
 * {@code /compare/time}) lives here once.
 */
@NullMarked
package dev.timefan.fanout;

import org.jspecify.annotations.NullMarked;
