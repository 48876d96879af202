/**
 * The {@code upstream} source: a worldtimeapi-compatible HTTP API asked for one zone per
 * call ({@code GET {base}/timezone/{canonical name}}), with a connection limit, a
 * per-call timeout, bounded jittered retries that honour {@code Retry-After} within the
 * batch deadline, a circuit breaker shared by every strategy and worker process
 * ({@link dev.timefan.upstream.UpstreamBreaker}), and a fallback to the local tz
 * database. A blocking client serves the thread strategies and worker processes; a
 * non-blocking one serves {@code reactive}. Callers are told what failed in their own
 * terms ({@link dev.timefan.upstream.UpstreamFailure}); operators get the detail in the
 * log. The {@code upstream} health component reads the breaker's state and a background
 * probe that runs only while the upstream is in use.
 */
@NullMarked
package dev.timefan.upstream;

import org.jspecify.annotations.NullMarked;
