package dev.timefan.processes;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import dev.timefan.ByteEdit;
import dev.timefan.Hostile;
import dev.timefan.Hostile.Attempt;
import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.TimeObject;
import dev.timefan.upstream.CallVerdict;
import dev.timefan.upstream.UpstreamBreaker;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based tests of the worker protocol's decoder, which reads whatever a worker
 * (or a parent) writes: a frame and its message decode, or fail with an
 * {@link IOException} that the reader treats as a corrupted stream, never with another
 * exception, never by allocating more than a frame's bound, never by hanging. And every
 * message a side may send comes back as it was sent.
 */
class WorkerProtocolFuzzTests {

	// Round trips

	@Property(tries = 300)
	void aHelloRoundTrips(@ForAll long pid, @ForAll("utf") String tzRelease) throws IOException {
		assertThat(readOne(WorkerProtocol.hello(pid, tzRelease))).isEqualTo(new WorkerProtocol.Hello(pid, tzRelease));
	}

	@Property(tries = 300)
	void aLookupRoundTrips(@ForAll("lookups") WorkerProtocol.Lookup lookup) throws IOException {
		assertThat(readOne(WorkerProtocol.lookup(lookup))).isEqualTo(lookup);
	}

	@Property(tries = 100)
	void aBreakerStateRoundTrips(@ForAll("breakers") WorkerProtocol.Breaker breaker) throws IOException {
		assertThat(readOne(WorkerProtocol.breaker(breaker))).isEqualTo(breaker);
	}

	@Property(tries = 200)
	void callsRoundTrip(@ForAll("calls") WorkerProtocol.Calls calls) throws IOException {
		assertThat(readOne(WorkerProtocol.calls(calls))).isEqualTo(calls);
	}

	@Property(tries = 200)
	void aResultRoundTrips(@ForAll("results") WorkerProtocol.Result result) throws IOException {
		assertThat(readOne(WorkerProtocol.result(result))).isEqualTo(result);
	}

	// Hostile bytes

	@Property(tries = 500)
	void randomPayloadsDecodeOrAreCorrupted(@ForAll("payloads") byte[] payload) {
		assertMessageOrCorrupted(Hostile.attempt(() -> WorkerProtocol.decode(payload)));
	}

	@Property(tries = 300)
	void mutatedFramesReadAndDecodeOrAreCorrupted(@ForAll("frames") byte[] frame,
			@ForAll("edits") List<ByteEdit> edits) {
		byte[] mutated = ByteEdit.applyAll(frame, edits);

		assertMessageOrCorrupted(Hostile.attempt(() -> readAll(mutated)));
	}

	@Property(tries = 300)
	void aFrameCutAnywhereIsCorruptedOrAnEndOfStream(@ForAll("frames") byte[] frame,
			@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
		byte[] truncated = Arrays.copyOf(frame, cut % frame.length);

		Attempt<byte[]> read = Hostile.attempt(() -> WorkerProtocol.readFrame(input(truncated)));

		if (truncated.length == 0) {
			assertThat(read.thrown()).isNull();
			assertThat(read.value()).as("a clean end of stream").isNull();
		}
		else {
			assertThat(read.thrown()).as("a cut frame").isInstanceOf(IOException.class);
		}
	}

	@Property(tries = 200)
	void aLyingLengthIsCorruptedWithoutAllocatingBeyondTheBound(@ForAll("lengths") int length,
			@ForAll("payloads") byte[] rest) {
		byte[] stream = ByteBuffer.allocate(4 + rest.length).putInt(length).put(rest).array();

		Attempt<Read> read = Hostile.attempt(() -> Read.measured(stream));

		assertThat(read.thrown()).as("readFrame threw").isNull();
		if (length >= 1 && length <= rest.length) {
			assertThat(read.value().payload()).hasSize(length);
		}
		else {
			assertThat(read.value().failure()).as("a frame of length %d with %d bytes", length, rest.length)
				.isInstanceOf(IOException.class);
		}
		assertThat(read.value().allocated()).as("bytes allocated reading it")
			.isLessThan(WorkerProtocol.MAX_FRAME + (1 << 20));
	}

	@Example
	void aLengthOfIntegerMaxValueIsRefusedBeforeAnythingIsAllocated() {
		InputStream stream = new ByteArrayInputStream(new byte[] { 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'H' });

		Attempt<byte[]> read = Hostile.attempt(() -> WorkerProtocol.readFrame(new DataInputStream(stream)));

		assertThat(read.thrown()).isInstanceOf(IOException.class).hasMessageContaining("length 2147483647");
	}

	@Example
	void aMaximalFrameThatNeverArrivesIsCorrupted() {
		byte[] header = ByteBuffer.allocate(5).putInt(WorkerProtocol.MAX_FRAME).put((byte) 'H').array();

		Attempt<byte[]> read = Hostile.attempt(() -> WorkerProtocol.readFrame(input(header)));

		assertThat(read.thrown()).isInstanceOf(IOException.class);
	}

	private static Object readOne(byte[] frame) throws IOException {
		DataInputStream in = input(frame);
		byte[] payload = WorkerProtocol.readFrame(in);
		assertThat(payload).isNotNull();
		assertThat(WorkerProtocol.readFrame(in)).as("nothing after the frame").isNull();
		return WorkerProtocol.decode(payload);
	}

	/** Reads and decodes frames to the end of the stream, as the reader threads do. */
	private static List<Object> readAll(byte[] stream) throws IOException {
		DataInputStream in = input(stream);
		List<Object> messages = new ArrayList<>();
		byte[] payload;
		while ((payload = WorkerProtocol.readFrame(in)) != null) {
			messages.add(WorkerProtocol.decode(payload));
		}
		return messages;
	}

	private static void assertMessageOrCorrupted(Attempt<?> attempt) {
		if (attempt.thrown() != null) {
			assertThat(attempt.thrown()).as("what decoding threw").isInstanceOf(IOException.class);
		}
		else if (attempt.value() instanceof List<?> messages) {
			assertThat(messages).allMatch(WorkerProtocolFuzzTests::isMessage);
		}
		else {
			assertThat(attempt.value()).matches(WorkerProtocolFuzzTests::isMessage, "a message");
		}
	}

	private static boolean isMessage(Object decoded) {
		return decoded instanceof WorkerProtocol.Hello || decoded instanceof WorkerProtocol.Lookup
				|| decoded instanceof WorkerProtocol.Result || decoded instanceof WorkerProtocol.Breaker
				|| decoded instanceof WorkerProtocol.Calls;
	}

	private static DataInputStream input(byte[] bytes) {
		return new DataInputStream(new ByteArrayInputStream(bytes));
	}

	/**
	 * What reading one frame came to, and how many bytes the reading thread allocated
	 * meanwhile (0 where the JVM cannot tell).
	 */
	private record Read(byte @Nullable [] payload, @Nullable IOException failure, long allocated) {

		static Read measured(byte[] stream) {
			long before = allocatedSoFar();
			try {
				byte[] payload = WorkerProtocol.readFrame(input(stream));
				return new Read(payload, null, allocatedSoFar() - before);
			}
			catch (IOException ex) {
				return new Read(null, ex, allocatedSoFar() - before);
			}
		}

		private static long allocatedSoFar() {
			return (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
					&& bean.isThreadAllocatedMemorySupported()) ? bean.getCurrentThreadAllocatedBytes() : 0;
		}

	}

	// Generators

	/**
	 * Strings that {@code writeUTF} can hold: any UTF-16, lone surrogates and NUL
	 * included.
	 */
	@Provide
	Arbitrary<String> utf() {
		Arbitrary<String> nearTheLimit = Arbitraries.strings()
			.all()
			.ofMinLength(1)
			.ofMaxLength(8)
			.map((unit) -> unit.repeat(21_000 / unit.length()));
		return Arbitraries.frequencyOf(Tuple.of(3, Hostile.tricky()),
				Tuple.of(3, Arbitraries.strings().all().ofMaxLength(60)), Tuple.of(3, Hostile.codePoints()),
				Tuple.of(1, nearTheLimit));
	}

	@Provide
	Arbitrary<Instant> instants() {
		return Arbitraries.oneOf(
				Combinators
					.combine(Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
							Arbitraries.integers().between(0, 999_999_999))
					.as(Instant::ofEpochSecond),
				Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999)));
	}

	@Provide
	Arbitrary<WorkerProtocol.Lookup> lookups() {
		return Combinators
			.combine(Arbitraries.longs(), Arbitraries.of(Source.class), instants(),
					Arbitraries.longs().greaterOrEqual(0), utf(),
					Arbitraries.oneOf(Arbitraries.of(Hostile.ZONE_NAMES), utf()).list().ofMaxSize(70),
					Arbitraries.longs().array(long[].class).ofSize(2))
			.as((id, source, at, timeout, clientIp, zones, bits) -> new WorkerProtocol.Lookup(id, source, at, timeout,
					clientIp, zones, BitSet.valueOf(bits).get(0, zones.size())));
	}

	@Provide
	Arbitrary<WorkerProtocol.Breaker> breakers() {
		return Arbitraries.of(UpstreamBreaker.State.class).map(WorkerProtocol.Breaker::new);
	}

	@Provide
	Arbitrary<WorkerProtocol.Calls> calls() {
		return Combinators
			.combine(Arbitraries.longs(), Arbitraries.of(CallVerdict.class), Arbitraries.of(true, false),
					Arbitraries.longs().greaterOrEqual(0))
			.as(WorkerProtocol.Call::new)
			.list()
			.ofMaxSize(40)
			.map(WorkerProtocol.Calls::new);
	}

	@Provide
	Arbitrary<WorkerProtocol.Result> results() {
		return Combinators
			.combine(Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0), outcomes().list().ofMaxSize(20))
			.as(WorkerProtocol.Result::new);
	}

	@Provide
	Arbitrary<Outcome> outcomes() {
		Arbitrary<Source> sources = Arbitraries.of(Source.class).injectNull(0.3);
		Arbitrary<String> errors = utf().injectNull(0.4);
		return Combinators
			.combine(Arbitraries.of(200, 404, 502, 503, 504), sources, times().injectNull(0.3), errors,
					Arbitraries.longs())
			.as(Outcome::new);
	}

	@Provide
	Arbitrary<TimeObject> times() {
		Arbitrary<String> text = Arbitraries.oneOf(Hostile.tricky(), Arbitraries.strings().all().ofMaxLength(40));
		Arbitrary<TimeObject> firstHalf = Combinators
			.combine(text, Arbitraries.oneOf(Arbitraries.of(Hostile.ZONE_NAMES), text),
					Arbitraries.integers().between(0, 6), Arbitraries.integers().between(1, 366), text, text,
					Arbitraries.longs(), Arbitraries.integers())
			.as((offset, zone, dayOfWeek, dayOfYear, datetime, utcDatetime, unixtime, rawOffset) -> new TimeObject(
					offset, zone, dayOfWeek, dayOfYear, datetime, utcDatetime, unixtime, rawOffset, 1, false, "", 0,
					null, null, ""));
		return Combinators
			.combine(firstHalf, Arbitraries.integers().between(1, 53), Arbitraries.of(true, false), text,
					Arbitraries.integers(), text.injectNull(0.5), text.injectNull(0.5), utf())
			.as((time, week, dst, abbreviation, dstOffset, dstFrom, dstUntil, clientIp) -> new TimeObject(
					time.utcOffset(), time.timezone(), time.dayOfWeek(), time.dayOfYear(), time.datetime(),
					time.utcDatetime(), time.unixtime(), time.rawOffset(), week, dst, abbreviation, dstOffset, dstFrom,
					dstUntil, clientIp));
	}

	/** Valid frames of every type. */
	@Provide
	Arbitrary<byte[]> frames() {
		return Arbitraries.oneOf(
				Combinators.combine(Arbitraries.longs(), utf())
					.as((pid, release) -> frame(() -> WorkerProtocol.hello(pid, release))),
				lookups().map((lookup) -> frame(() -> WorkerProtocol.lookup(lookup))),
				results().map((result) -> frame(() -> WorkerProtocol.result(result))),
				breakers().map((breaker) -> frame(() -> WorkerProtocol.breaker(breaker))),
				calls().map((calls) -> frame(() -> WorkerProtocol.calls(calls))));
	}

	/** Payloads of random bytes that start, mostly, with a type byte. */
	@Provide
	Arbitrary<byte[]> payloads() {
		Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
		return Arbitraries.oneOf(random,
				Combinators
					.combine(Arbitraries.of(WorkerProtocol.HELLO, WorkerProtocol.LOOKUP, WorkerProtocol.RESULT,
							WorkerProtocol.BREAKER, WorkerProtocol.CALLS), random)
					.as((type, rest) -> {
						byte[] payload = new byte[rest.length + 1];
						payload[0] = type;
						System.arraycopy(rest, 0, payload, 1, rest.length);
						return payload;
					}),
				frames().map((frame) -> Arrays.copyOfRange(frame, 4, frame.length)));
	}

	@Provide
	Arbitrary<Integer> lengths() {
		return Arbitraries.oneOf(
				Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, WorkerProtocol.MAX_FRAME, WorkerProtocol.MAX_FRAME + 1,
						Integer.MAX_VALUE, 0x00ff_ffff, 0x7f00_0000),
				Arbitraries.integers().between(-2, 500), Arbitraries.integers());
	}

	@Provide
	Arbitrary<List<ByteEdit>> edits() {
		return ByteEdit.edits(1, 4);
	}

	private static byte[] frame(Encoder encoder) {
		try {
			return encoder.encode();
		}
		catch (IOException ex) {
			throw new IllegalStateException("a generated message does not encode", ex);
		}
	}

	@FunctionalInterface
	private interface Encoder {

		byte[] encode() throws IOException;

	}

}
