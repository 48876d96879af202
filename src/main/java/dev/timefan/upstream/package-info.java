/**
 * The {@code upstream} source: a worldtimeapi-compatible HTTP API asked for one zone per
 * call ({@code GET {base}/timezone/{canonical name}}), with a connection limit, a
 * per-call timeout, bounded jittered retries that honour {@code Retry-After} within the
 * batch deadline, and a fallback to the local tz database. A blocking client serves the
 * thread strategies and worker processes; a non-blocking one serves {@code reactive}.
 */
@NullMarked
package dev.timefan.upstream;

import org.jspecify.annotations.NullMarked;
