package dev.timefan.processes;

/**
 * No worker process is alive and none can be started: the pool's spawns fail in a way
 * that will not mend by itself.
 */
class NoWorkerException extends RuntimeException {

	NoWorkerException(String reason) {
		super(reason, null, false, false);
	}

}
