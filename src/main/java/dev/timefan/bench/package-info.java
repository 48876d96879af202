/**
 * The yardstick of the HTTP benchmarks, active only in the Spring profile {@code bench}:
 * a trivial endpoint through the same server, filters and observation as the API, so that
 * a strategy's requests per second read as a fraction of what the web stack alone does in
 * the same run.
 */
@NullMarked
package dev.timefan.bench;

import org.jspecify.annotations.NullMarked;
