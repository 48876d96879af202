/**
 * The {@code processes} strategy: a supervised pool of child JVMs that compute items with
 * the same time core, spoken to over stdin/stdout with a multiplexed, framed protocol
 * ({@link WorkerProtocol}). A dead worker's items are re-dispatched once, a hung one is
 * killed, every worker is replaced with backoff, and none outlives the service.
 */
@NullMarked
package dev.timefan.processes;

import org.jspecify.annotations.NullMarked;
