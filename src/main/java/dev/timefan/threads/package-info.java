/**
 * The {@code threads} strategy: a bounded, named platform-thread pool that rejects items
 * (503) when its queue is full rather than blocking the caller; instrumented as
 * {@code executor.*{name="timefan.threads"}}.
 */
@NullMarked
package dev.timefan.threads;

import org.jspecify.annotations.NullMarked;
