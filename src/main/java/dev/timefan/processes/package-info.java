/**
 * The {@code processes} strategy: a supervised pool of child JVMs that compute items with
 * the same time core, spoken to over stdin/stdout with a multiplexed, framed protocol
 * ({@link WorkerProtocol}). A dead worker's items are re-dispatched once, a hung one is
 * killed, every worker is replaced with backoff, and none outlives the service. Workers
 * call the upstream under the service's circuit breaker: each item's first call on a
 * permission the service asked its breaker for, retries only while it is closed, every
 * call reported back and recorded there ({@link WorkerGate}).
 */
@NullMarked
package dev.timefan.processes;

import org.jspecify.annotations.NullMarked;
