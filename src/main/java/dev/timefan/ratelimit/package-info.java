/**
 * Per-client rate limits, off by default: a token bucket of requests (a servlet filter in
 * front of the API) and one of items (taken by the fan-out per batch) for each client
 * address, kept for the clients seen lately in a bounded cache; past either, 429 with
 * {@code Retry-After}.
 */
@NullMarked
package dev.timefan.ratelimit;

import org.jspecify.annotations.NullMarked;
