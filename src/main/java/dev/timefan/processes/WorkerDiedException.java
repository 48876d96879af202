package dev.timefan.processes;

/**
 * A worker ended (crashed, was killed, or broke its stream) while a request was in flight
 * on it.
 */
class WorkerDiedException extends RuntimeException {

	WorkerDiedException(int worker, String reason) {
		super("worker " + worker + " ended: " + reason);
	}

}
