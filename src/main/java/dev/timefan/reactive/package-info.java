/**
 * The {@code reactive} strategy: Reactor fan-out bounded by
 * {@code timefan.reactive.concurrency}, in input order. Local lookups run inline (they
 * take microseconds); upstream ones are non-blocking WebClient calls, so a batch holds no
 * thread while it waits. The controller answers with a {@code Mono}: the servlet thread
 * is released until the batch completes.
 */
@NullMarked
package dev.timefan.reactive;

import org.jspecify.annotations.NullMarked;
