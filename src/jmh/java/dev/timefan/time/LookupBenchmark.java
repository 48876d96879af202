package dev.timefan.time;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One local lookup, the unit every strategy fans out: {@link WorldClock#now} for a
 * catalog zone, and the same preceded by the case-insensitive {@link ZoneCatalog#find} a
 * request makes first. Target: under 3 µs. {@code Asia/Kolkata} never observes DST;
 * {@code Europe/Paris} and {@code Australia/Sydney} cover both hemispheres, so one of
 * them is in DST whenever this runs and takes the {@code dst_from}/{@code dst_until}
 * path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LookupBenchmark {

	private static final String CLIENT_IP = "127.0.0.1";

	@Param({ "Asia/Kolkata", "Europe/Paris", "Australia/Sydney" })
	public String zone;

	private ZoneCatalog catalog;

	private WorldClock clock;

	private Zone resolved;

	private String asked;

	@Setup
	public void setUp() {
		this.catalog = ZoneCatalog.load();
		this.clock = new WorldClock(Clock.systemUTC());
		this.resolved = this.catalog.find(this.zone);
		if (this.resolved == null) {
			throw new IllegalStateException("unknown time zone '" + this.zone + "'");
		}
		// As a path variable arrives: any case, so find() lowercases it like a request.
		this.asked = this.zone;
	}

	/**
	 * The time object of a resolved zone.
	 * @return the time object
	 */
	@Benchmark
	public TimeObject now() {
		return this.clock.now(this.resolved, CLIENT_IP);
	}

	/**
	 * Resolving the name as asked, then the time object: what a single request does
	 * before any strategy.
	 * @return the time object
	 */
	@Benchmark
	public TimeObject findThenNow() {
		Zone found = this.catalog.find(this.asked);
		return this.clock.now(found, CLIENT_IP);
	}

	/**
	 * The catalog look-up alone.
	 * @return the zone
	 */
	@Benchmark
	public Zone find() {
		return this.catalog.find(this.asked);
	}

}
