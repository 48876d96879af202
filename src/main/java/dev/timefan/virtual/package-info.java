/**
 * The {@code virtual} strategy: a virtual thread per item, with a semaphore bounding how
 * many run at once across all requests.
 */
@NullMarked
package dev.timefan.virtual;

import org.jspecify.annotations.NullMarked;
