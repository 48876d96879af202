package dev.timefan.fanout;

/**
 * How much of the work a strategy takes at once: a request it cannot take whole now is
 * shed whole (503 with {@code Retry-After}), never answered in part.
 *
 * @param maxBatches the requests (batches and single lookups) in flight at once; each
 * blocking strategy's request holds a Tomcat thread, so these caps keep threads for the
 * other strategies, health and metrics
 * @param maxItems the zones in flight at once, across the strategy's requests
 */
public record Capacity(int maxBatches, int maxItems) {

	/**
	 * A strategy's capacity, checked.
	 * @param prefix the strategy's configuration prefix, for messages
	 * @param maxBatches the requests in flight at once, at least 1
	 * @param maxItems the zones in flight at once, at least 1
	 * @return the capacity
	 * @throws IllegalArgumentException naming the key of a value under 1
	 */
	public static Capacity of(String prefix, int maxBatches, int maxItems) {
		if (maxBatches < 1) {
			throw new IllegalArgumentException(prefix + ".max-batches must be at least 1, not " + maxBatches);
		}
		if (maxItems < 1) {
			throw new IllegalArgumentException(prefix + ".max-items must be at least 1, not " + maxItems);
		}
		return new Capacity(maxBatches, maxItems);
	}

}
