package dev.timefan.processes;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.TimeObject;
import dev.timefan.upstream.CallVerdict;
import dev.timefan.upstream.UpstreamBreaker;
import org.jspecify.annotations.Nullable;

/**
 * The framing between the service and its worker processes, version {@value #VERSION}.
 *
 * <p>
 * Every frame is a big-endian {@code int} length followed by that many payload bytes; a
 * length outside {@code 1..MAX_FRAME} or a payload that does not decode is a corrupted
 * stream, which the parent treats as a crash. The payload starts with a type byte:
 * <ul>
 * <li>{@code 'H'} hello, worker to parent, the first frame: {@code byte protocol version}
 * (a worker of another version is a corrupted stream), {@code long pid}, {@code UTF tz
 * release}. The worker is ready when it is sent.</li>
 * <li>{@code 'L'} lookup, parent to worker: {@code long request id}, {@code byte source},
 * {@code long epoch second} and {@code int nano} of the instant to answer for (the
 * parent's clock, so every strategy answers alike), {@code long timeout nanos} (the time
 * the worker has: it answers 504 for what is still unanswered then), {@code UTF client
 * ip}, {@code int n}, then {@code n} zone names ({@code UTF}, canonical names of the
 * catalog only), then {@code (n + 7) / 8} bytes, a bit per item (little-endian, as
 * {@link BitSet#toByteArray()}): the items whose first upstream call the service's
 * circuit breaker permitted. Many requests may be in flight on one worker; it answers
 * each on its own thread, in any order.</li>
 * <li>{@code 'B'} breaker, parent to worker: {@code byte state} of the service's upstream
 * circuit breaker ({@link UpstreamBreaker.State}), sent when it changes and to a new
 * worker that joins while it is not closed. A worker retries an upstream call only while
 * the last state it was told is closed.</li>
 * <li>{@code 'C'} calls, worker to parent: {@code int n}, then {@code n} upstream calls
 * made, each {@code long request id}, {@code byte verdict} ({@link CallVerdict}),
 * {@code boolean first} (an item's first call, made on its permission), {@code long
 * nanos}. A failed call is reported at once, so that the service's breaker may open while
 * the other items of the batch still wait; the other calls of a request go in one frame
 * just before its result.</li>
 * <li>{@code 'R'} result, worker to parent: {@code long request id}, {@code int retries}
 * (upstream calls made again since the worker's last result), {@code int n}, then
 * {@code n} items in the order of the lookup: {@code short status}, {@code byte source}
 * (-1 for none), {@code long nanos}, {@code boolean has time} and the time object's 15
 * fields, {@code boolean has
 * error} and the {@code UTF} error.</li>
 * </ul>
 * Many items per frame: IPC is paid per chunk, not per item. Frames are written whole
 * under a lock, so concurrent answers never interleave.
 */
final class WorkerProtocol {

	static final byte HELLO = 'H';

	static final byte LOOKUP = 'L';

	static final byte RESULT = 'R';

	static final byte BREAKER = 'B';

	static final byte CALLS = 'C';

	/**
	 * The version of this protocol, said in the hello: version 1 had no breaker frames,
	 * no permissions in a lookup, and no version.
	 */
	static final byte VERSION = 2;

	/** The largest frame either side accepts: a 1,000-zone result is about 250 KB. */
	static final int MAX_FRAME = 16 * 1024 * 1024;

	private WorkerProtocol() {
	}

	record Hello(long pid, String tzRelease) {
	}

	/**
	 * A chunk to look up.
	 *
	 * @param permitted the items whose first upstream call is permitted: a bit per item,
	 * none past the last
	 */
	record Lookup(long id, Source source, Instant at, long timeoutNanos, String clientIp, List<String> zones,
			BitSet permitted) {

		Lookup {
			zones = List.copyOf(zones);
			permitted = (BitSet) permitted.clone();
			if (permitted.length() > zones.size()) {
				throw new IllegalArgumentException(
						"permissions for " + permitted.length() + " items in a lookup of " + zones.size());
			}
		}

		/** A copy: a record's BitSet must not change under it. */
		@Override
		public BitSet permitted() {
			return (BitSet) this.permitted.clone();
		}

	}

	/**
	 * The state of the service's upstream circuit breaker.
	 *
	 * @param state as callers feel it
	 */
	record Breaker(UpstreamBreaker.State state) {
	}

	/**
	 * Upstream calls a worker made.
	 *
	 * @param calls in the order they ended
	 */
	record Calls(List<Call> calls) {

		Calls {
			calls = List.copyOf(calls);
		}

	}

	/**
	 * One upstream call.
	 *
	 * @param request the request it was made for
	 * @param verdict what it tells of the upstream
	 * @param first whether it was an item's first call, made on its permission
	 * @param nanos how long it took, not negative
	 */
	record Call(long request, CallVerdict verdict, boolean first, long nanos) {
	}

	record Result(long id, int retries, List<Outcome> outcomes) {
	}

	static byte[] hello(long pid, String tzRelease) throws IOException {
		return frame((out) -> {
			out.writeByte(HELLO);
			out.writeByte(VERSION);
			out.writeLong(pid);
			out.writeUTF(tzRelease);
		});
	}

	static byte[] breaker(Breaker breaker) throws IOException {
		return frame((out) -> {
			out.writeByte(BREAKER);
			out.writeByte(breaker.state().ordinal());
		});
	}

	static byte[] calls(Calls calls) throws IOException {
		return frame((out) -> {
			out.writeByte(CALLS);
			out.writeInt(calls.calls().size());
			for (Call call : calls.calls()) {
				out.writeLong(call.request());
				out.writeByte(call.verdict().ordinal());
				out.writeBoolean(call.first());
				out.writeLong(call.nanos());
			}
		});
	}

	static byte[] lookup(Lookup lookup) throws IOException {
		return frame((out) -> {
			out.writeByte(LOOKUP);
			out.writeLong(lookup.id());
			out.writeByte(lookup.source().ordinal());
			out.writeLong(lookup.at().getEpochSecond());
			out.writeInt(lookup.at().getNano());
			out.writeLong(lookup.timeoutNanos());
			out.writeUTF(lookup.clientIp());
			out.writeInt(lookup.zones().size());
			for (String zone : lookup.zones()) {
				out.writeUTF(zone);
			}
			byte[] bits = lookup.permitted().toByteArray();
			out.write(bits);
			out.write(new byte[(lookup.zones().size() + 7) / 8 - bits.length]);
		});
	}

	static byte[] result(Result result) throws IOException {
		return frame((out) -> {
			out.writeByte(RESULT);
			out.writeLong(result.id());
			out.writeInt(result.retries());
			out.writeInt(result.outcomes().size());
			for (Outcome outcome : result.outcomes()) {
				out.writeShort(outcome.status());
				out.writeByte((outcome.source() != null) ? outcome.source().ordinal() : -1);
				out.writeLong(outcome.nanos());
				TimeObject time = outcome.time();
				out.writeBoolean(time != null);
				if (time != null) {
					writeTime(out, time);
				}
				writeNullable(out, outcome.error());
			}
		});
	}

	/**
	 * Reads one frame's payload.
	 * @param in the stream
	 * @return the payload, or null at a clean end of stream before a frame starts
	 * @throws IOException when the stream breaks or the length is out of bounds
	 * (corrupted)
	 */
	static byte @Nullable [] readFrame(DataInputStream in) throws IOException {
		int first = in.read();
		if (first < 0) {
			return null;
		}
		// A length cut short after its first byte is a broken stream, not a clean end.
		int length = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
				| in.readUnsignedByte();
		if (length < 1 || length > MAX_FRAME) {
			throw new IOException("corrupted frame: length " + length);
		}
		byte[] payload = new byte[length];
		in.readFully(payload);
		return payload;
	}

	static Object decode(byte[] payload) throws IOException {
		DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
		byte type = in.readByte();
		Object decoded = switch (type) {
			case HELLO -> readHello(in);
			case LOOKUP -> readLookup(in);
			case RESULT -> readResult(in);
			case BREAKER -> new Breaker(ordinal(UpstreamBreaker.State.values(), in.readByte(), "breaker state"));
			case CALLS -> readCalls(in);
			default -> throw new IOException("corrupted frame: unknown type " + type);
		};
		if (in.available() != 0) {
			throw new IOException("corrupted frame: " + in.available() + " bytes left over");
		}
		return decoded;
	}

	private static Hello readHello(DataInputStream in) throws IOException {
		byte version = in.readByte();
		if (version != VERSION) {
			throw new IOException("corrupted frame: protocol version " + version + ", not " + VERSION);
		}
		return new Hello(in.readLong(), in.readUTF());
	}

	private static Calls readCalls(DataInputStream in) throws IOException {
		int count = count(in);
		List<Call> calls = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			long request = in.readLong();
			CallVerdict verdict = ordinal(CallVerdict.values(), in.readByte(), "verdict");
			boolean first = in.readBoolean();
			long nanos = in.readLong();
			if (nanos < 0) {
				throw new IOException("corrupted frame: a call of " + nanos + " ns");
			}
			calls.add(new Call(request, verdict, first, nanos));
		}
		return new Calls(calls);
	}

	private static <E> E ordinal(E[] values, byte ordinal, String what) throws IOException {
		if (ordinal < 0 || ordinal >= values.length) {
			throw new IOException("corrupted frame: " + what + " " + ordinal);
		}
		return values[ordinal];
	}

	private static Lookup readLookup(DataInputStream in) throws IOException {
		long id = in.readLong();
		Source source = source(in.readByte());
		if (source == null) {
			throw new IOException("corrupted frame: a lookup without a source");
		}
		Instant at;
		try {
			at = Instant.ofEpochSecond(in.readLong(), in.readInt());
		}
		catch (DateTimeException | ArithmeticException ex) {
			throw new IOException("corrupted frame: instant out of range", ex);
		}
		long timeoutNanos = in.readLong();
		if (timeoutNanos < 0) {
			throw new IOException("corrupted frame: timeout " + timeoutNanos);
		}
		String clientIp = in.readUTF();
		int count = count(in);
		List<String> zones = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			zones.add(in.readUTF());
		}
		byte[] bits = new byte[(count + 7) / 8];
		in.readFully(bits);
		BitSet permitted = BitSet.valueOf(bits);
		if (permitted.length() > count) {
			throw new IOException("corrupted frame: a permission past the last of " + count + " items");
		}
		return new Lookup(id, source, at, timeoutNanos, clientIp, zones, permitted);
	}

	private static Result readResult(DataInputStream in) throws IOException {
		long id = in.readLong();
		int retries = in.readInt();
		if (retries < 0) {
			throw new IOException("corrupted frame: retries " + retries);
		}
		int count = count(in);
		List<Outcome> outcomes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			int status = in.readShort();
			Source source = source(in.readByte());
			long nanos = in.readLong();
			TimeObject time = in.readBoolean() ? readTime(in) : null;
			String error = readNullable(in);
			outcomes.add(new Outcome(status, source, time, error, nanos));
		}
		return new Result(id, retries, outcomes);
	}

	private static int count(DataInputStream in) throws IOException {
		int count = in.readInt();
		// Every item takes at least 2 bytes: a count beyond what is left is corrupt, and
		// is refused
		// before anything is allocated for it.
		if (count < 0 || count > in.available()) {
			throw new IOException("corrupted frame: count " + count);
		}
		return count;
	}

	private static @Nullable Source source(byte ordinal) throws IOException {
		if (ordinal == -1) {
			return null;
		}
		Source[] sources = Source.values();
		if (ordinal < 0 || ordinal >= sources.length) {
			throw new IOException("corrupted frame: source " + ordinal);
		}
		return sources[ordinal];
	}

	private static void writeTime(DataOutputStream out, TimeObject time) throws IOException {
		out.writeUTF(time.utcOffset());
		out.writeUTF(time.timezone());
		out.writeByte(time.dayOfWeek());
		out.writeShort(time.dayOfYear());
		out.writeUTF(time.datetime());
		out.writeUTF(time.utcDatetime());
		out.writeLong(time.unixtime());
		out.writeInt(time.rawOffset());
		out.writeByte(time.weekNumber());
		out.writeBoolean(time.dst());
		out.writeUTF(time.abbreviation());
		out.writeInt(time.dstOffset());
		writeNullable(out, time.dstFrom());
		writeNullable(out, time.dstUntil());
		out.writeUTF(time.clientIp());
	}

	private static TimeObject readTime(DataInputStream in) throws IOException {
		return new TimeObject(in.readUTF(), in.readUTF(), in.readByte(), in.readShort(), in.readUTF(), in.readUTF(),
				in.readLong(), in.readInt(), in.readByte(), in.readBoolean(), in.readUTF(), in.readInt(),
				readNullable(in), readNullable(in), in.readUTF());
	}

	private static void writeNullable(DataOutputStream out, @Nullable String value) throws IOException {
		out.writeBoolean(value != null);
		if (value != null) {
			out.writeUTF(value);
		}
	}

	private static @Nullable String readNullable(DataInputStream in) throws IOException {
		return in.readBoolean() ? in.readUTF() : null;
	}

	private static byte[] frame(Body body) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
		DataOutputStream out = new DataOutputStream(bytes);
		out.writeInt(0);
		body.write(out);
		out.flush();
		byte[] frame = bytes.toByteArray();
		int length = frame.length - 4;
		frame[0] = (byte) (length >>> 24);
		frame[1] = (byte) (length >>> 16);
		frame[2] = (byte) (length >>> 8);
		frame[3] = (byte) length;
		return frame;
	}

	/**
	 * Writes a whole frame under the stream's lock, so concurrent writers never
	 * interleave.
	 */
	static void write(OutputStream out, byte[] frame) throws IOException {
		synchronized (out) {
			out.write(frame);
			out.flush();
		}
	}

	@FunctionalInterface
	private interface Body {

		void write(DataOutputStream out) throws IOException;

	}

}
