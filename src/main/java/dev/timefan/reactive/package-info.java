/**
 * The {@code reactive} strategy: Reactor fan-out in input order, the whole batch at once
 * unless {@code timefan.reactive.concurrency} bounds it, under the upstream's concurrency
 * limit. Local lookups run inline (they take microseconds); upstream ones are
 * non-blocking WebClient calls, so a batch holds no thread while it waits. The controller
 * answers with a {@code Mono}: the servlet thread is released until the batch completes.
 */
@NullMarked
package dev.timefan.reactive;

import org.jspecify.annotations.NullMarked;
