package dev.timefan.processes;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.timefan.time.Zone;
import dev.timefan.upstream.CallVerdict;
import dev.timefan.upstream.UpstreamGate;

/**
 * The service's circuit breaker as one request of a worker process sees it: an item's
 * first call is permitted when the lookup says so (the service asked its breaker for it),
 * a retry only while the breaker was last said to be closed. Every call is reported to
 * the service, which records it in its breaker: a failure at once, so that the breaker
 * may open while the batch's other items still wait, the others in one frame before the
 * request's result ({@link #flush()}). Items of the same zone are alike, so permissions
 * are counted per zone name.
 */
final class WorkerGate implements UpstreamGate {

	private final long request;

	/** First calls permitted and not taken yet, per zone name; guarded by this. */
	private final Map<String, Integer> permits = new HashMap<>();

	private final BooleanSupplier breakerClosed;

	private final Consumer<List<WorkerProtocol.Call>> report;

	/** Calls to report with the result; guarded by this. */
	private final List<WorkerProtocol.Call> deferred = new ArrayList<>();

	/**
	 * The gate of one request.
	 * @param lookup the request, with its permissions
	 * @param breakerClosed whether the service's breaker was last said to be closed
	 * @param report sends calls to the service
	 */
	WorkerGate(WorkerProtocol.Lookup lookup, BooleanSupplier breakerClosed,
			Consumer<List<WorkerProtocol.Call>> report) {
		this.request = lookup.id();
		this.breakerClosed = breakerClosed;
		this.report = report;
		BitSet permitted = lookup.permitted();
		for (int i = permitted.nextSetBit(0); i >= 0; i = permitted.nextSetBit(i + 1)) {
			this.permits.merge(lookup.zones().get(i), 1, Integer::sum);
		}
	}

	@Override
	public boolean permits(Zone zone, int attempt) {
		if (attempt > 1) {
			return this.breakerClosed.getAsBoolean();
		}
		synchronized (this) {
			Integer left = this.permits.get(zone.name());
			if (left == null || left == 0) {
				return false;
			}
			this.permits.put(zone.name(), left - 1);
			return true;
		}
	}

	@Override
	public void record(Zone zone, int attempt, long nanos, CallVerdict verdict) {
		WorkerProtocol.Call call = new WorkerProtocol.Call(this.request, verdict, attempt == 1, Math.max(0, nanos));
		if (verdict == CallVerdict.FAILURE) {
			this.report.accept(List.of(call));
			return;
		}
		synchronized (this) {
			this.deferred.add(call);
		}
	}

	/** Reports the calls kept for the result, if any. */
	void flush() {
		List<WorkerProtocol.Call> calls;
		synchronized (this) {
			calls = List.copyOf(this.deferred);
			this.deferred.clear();
		}
		if (!calls.isEmpty()) {
			this.report.accept(calls);
		}
	}

}
