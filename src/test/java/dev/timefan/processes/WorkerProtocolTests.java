package dev.timefan.processes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

import dev.timefan.fanout.Outcome;
import dev.timefan.fanout.Source;
import dev.timefan.time.TimeObject;
import dev.timefan.time.WorldClock;
import dev.timefan.time.Zone;
import dev.timefan.time.ZoneCatalog;
import dev.timefan.upstream.CallVerdict;
import dev.timefan.upstream.UpstreamBreaker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The framing between the service and its workers: every frame type round-trips, null
 * fields included, and a corrupted stream fails with an {@link IOException} (which the
 * parent treats as a crash) rather than decoding into something else.
 */
class WorkerProtocolTests {

	private static final Instant AT = Instant.parse("2026-07-01T10:39:20.975255123Z");

	/** Every field set, DST period included. */
	private static final TimeObject SUMMER_IN_PARIS = new TimeObject("+02:00", "Europe/Paris", 3, 182,
			"2026-07-01T12:39:20.975255+02:00", "2026-07-01T10:39:20.975255+00:00", 1782902360L, 3600, 27, true, "CEST",
			3600, "2026-03-29T01:00:00+00:00", "2026-10-25T01:00:00+00:00", "2001:db8::1");

	/** Outside DST: the two DST fields are null. */
	private static final TimeObject KOLKATA = new TimeObject("+05:30", "Asia/Kolkata", 3, 182,
			"2026-07-01T16:09:20.975255+05:30", "2026-07-01T10:39:20.975255+00:00", 1782902360L, 19800, 27, false,
			"IST", 0, null, null, "127.0.0.1");

	@Test
	void helloRoundTrips() throws IOException {
		byte[] frame = WorkerProtocol.hello(4242L, "2026f");

		assertThat(decodeOnly(frame)).isEqualTo(new WorkerProtocol.Hello(4242L, "2026f"));
		assertThat(frame[4]).isEqualTo(WorkerProtocol.HELLO);
	}

	@Test
	void lookupRoundTripsWithItsInstantToTheNanosecond() throws IOException {
		WorkerProtocol.Lookup lookup = new WorkerProtocol.Lookup(Long.MAX_VALUE, Source.UPSTREAM, AT, 3_000_000_000L,
				"::1", List.of("Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "GB"), bits(0, 2));

		Object decoded = decodeOnly(WorkerProtocol.lookup(lookup));

		assertThat(decoded).isEqualTo(lookup);
		assertThat(((WorkerProtocol.Lookup) decoded).at().getNano()).isEqualTo(975255123);
	}

	@Test
	void lookupRoundTripsAnInstantBeforeTheEpochAndNoZones() throws IOException {
		WorkerProtocol.Lookup lookup = new WorkerProtocol.Lookup(0, Source.LOCAL,
				Instant.parse("1969-12-31T23:59:59.5Z"), 0, "127.0.0.1", List.of(), new BitSet());

		assertThat(decodeOnly(WorkerProtocol.lookup(lookup))).isEqualTo(lookup);
	}

	@Test
	void resultRoundTripsFullTimeObjectsNullDstFieldsAndFailedItems() throws IOException {
		WorkerProtocol.Result result = new WorkerProtocol.Result(7, 2,
				List.of(Outcome.answered(Source.LOCAL, SUMMER_IN_PARIS, 1234),
						Outcome.answered(Source.FALLBACK, KOLKATA, 0),
						Outcome.failed(404, "unknown time zone 'Ásia/Kolkatta'", 56),
						new Outcome(504, null, null, "missed the batch deadline of 10000 ms", Long.MAX_VALUE),
						new Outcome(502, Source.UPSTREAM, null, null, 1)));

		Object decoded = decodeOnly(WorkerProtocol.result(result));

		assertThat(decoded).isEqualTo(result);
		List<Outcome> outcomes = ((WorkerProtocol.Result) decoded).outcomes();
		TimeObject kolkata = outcomes.get(1).time();
		assertThat(kolkata).isNotNull();
		assertThat(kolkata.dstFrom()).isNull();
		assertThat(kolkata.dstUntil()).isNull();
		assertThat(outcomes.get(2).source()).isNull();
		assertThat(outcomes.get(2).time()).isNull();
		assertThat(outcomes.get(4).error()).isNull();
	}

	@Test
	void resultRoundTripsATimeObjectOfTheRealTimeCore() throws IOException {
		ZoneCatalog catalog = ZoneCatalog.load();
		WorldClock clock = new WorldClock(Clock.fixed(AT, ZoneOffset.UTC));
		List<Outcome> outcomes = catalog.names()
			.stream()
			.map((name) -> Outcome.answered(Source.LOCAL, clock.at(zone(catalog.find(name)), AT, "127.0.0.1"), 1))
			.toList();
		WorkerProtocol.Result result = new WorkerProtocol.Result(1, 0, outcomes);

		assertThat(outcomes).hasSizeGreaterThan(500);
		assertThat(decodeOnly(WorkerProtocol.result(result))).isEqualTo(result);
	}

	@Test
	void framesReadBackInOrderThenNullAtACleanEndOfStream() throws IOException {
		WorkerProtocol.Lookup lookup = new WorkerProtocol.Lookup(1, Source.LOCAL, AT, 1_000_000L, "127.0.0.1",
				List.of("UTC"), new BitSet());
		WorkerProtocol.Result result = new WorkerProtocol.Result(1, 0,
				List.of(Outcome.answered(Source.LOCAL, KOLKATA, 1)));
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		WorkerProtocol.write(stream, WorkerProtocol.hello(1, "2026f"));
		WorkerProtocol.write(stream, WorkerProtocol.lookup(lookup));
		WorkerProtocol.write(stream, WorkerProtocol.result(result));
		DataInputStream in = input(stream.toByteArray());

		assertThat(WorkerProtocol.decode(WorkerProtocol.readFrame(in))).isEqualTo(new WorkerProtocol.Hello(1, "2026f"));
		assertThat(WorkerProtocol.decode(WorkerProtocol.readFrame(in))).isEqualTo(lookup);
		assertThat(WorkerProtocol.decode(WorkerProtocol.readFrame(in))).isEqualTo(result);
		assertThat(WorkerProtocol.readFrame(in)).isNull();
	}

	@Test
	void readFrameReturnsNullOnAnEmptyStream() throws IOException {
		assertThat(WorkerProtocol.readFrame(input(new byte[0]))).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { Integer.MIN_VALUE, -1, 0, WorkerProtocol.MAX_FRAME + 1, Integer.MAX_VALUE })
	void lengthOutsideOneToMaxFrameIsCorrupted(int length) {
		byte[] stream = ByteBuffer.allocate(4 + 16).putInt(length).put(new byte[16]).array();

		assertThatIOException().isThrownBy(() -> WorkerProtocol.readFrame(input(stream)))
			.withMessageContaining("length " + length);
	}

	@Test
	void payloadShorterThanItsLengthIsCorrupted() throws IOException {
		byte[] frame = WorkerProtocol.hello(1, "2026f");
		byte[] truncated = Arrays.copyOf(frame, frame.length - 3);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.readFrame(input(truncated)));
	}

	@Test
	void unknownTypeByteIsCorrupted() {
		byte[] payload = { 'X', 0, 0, 0, 0, 0, 0, 0, 1 };

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("unknown type " + (int) 'X');
	}

	@Test
	void trailingGarbageAfterAFrameIsCorrupted() throws IOException {
		byte[] hello = payload(WorkerProtocol.hello(1, "2026f"));
		byte[] garbage = Arrays.copyOf(hello, hello.length + 2);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(garbage))
			.withMessageContaining("2 bytes left over");
	}

	@Test
	void payloadCutInsideAFieldIsCorrupted() throws IOException {
		byte[] result = payload(WorkerProtocol
			.result(new WorkerProtocol.Result(3, 0, List.of(Outcome.answered(Source.LOCAL, SUMMER_IN_PARIS, 1)))));

		for (int length = 1; length < result.length; length++) {
			byte[] cut = Arrays.copyOf(result, length);
			assertThatIOException().as("payload cut to %d of %d bytes", length, result.length)
				.isThrownBy(() -> WorkerProtocol.decode(cut));
		}
	}

	@Test
	void lookupWithoutASourceIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.lookup(
				new WorkerProtocol.Lookup(1, Source.LOCAL, AT, 1_000_000L, "127.0.0.1", List.of("UTC"), new BitSet())));
		payload[9] = -1;

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("without a source");
	}

	@Test
	void unknownSourceOrdinalIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol
			.result(new WorkerProtocol.Result(1, 0, List.of(Outcome.answered(Source.LOCAL, KOLKATA, 1)))));
		// type, id (8), retries (4), count (4), status (2), then the source byte
		payload[1 + 8 + 4 + 4 + 2] = (byte) Source.values().length;

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload)).withMessageContaining("source");
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, Integer.MIN_VALUE, WorkerProtocol.MAX_FRAME + 1 })
	void itemCountOutOfBoundsIsCorrupted(int count) throws IOException {
		byte[] payload = payload(WorkerProtocol.result(new WorkerProtocol.Result(1, 0, List.of())));
		ByteBuffer.wrap(payload).putInt(1 + 8 + 4, count);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("count " + count);
	}

	@Test
	void negativeRetriesAreCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.result(new WorkerProtocol.Result(1, 0, List.of())));
		ByteBuffer.wrap(payload).putInt(1 + 8, -1);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload)).withMessageContaining("retries -1");
	}

	@Test
	void negativeTimeoutIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.lookup(
				new WorkerProtocol.Lookup(1, Source.UPSTREAM, AT, 1_000_000L, "127.0.0.1", List.of("UTC"), bits(0))));
		ByteBuffer.wrap(payload).putLong(1 + 8 + 1 + 8 + 4, -5);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload)).withMessageContaining("timeout -5");
	}

	@Test
	void itemCountBeyondTheBytesLeftIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.result(new WorkerProtocol.Result(1, 0, List.of())));
		ByteBuffer.wrap(payload).putInt(1 + 8 + 4, 3);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload));
	}

	@Test
	void frameLengthPrefixIsTheBigEndianPayloadSize() throws IOException {
		byte[] frame = WorkerProtocol.hello(1, "2026f");

		assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(frame.length - 4);
		// type, version, pid, UTF length (2) and the 5 bytes of "2026f"
		assertThat(frame.length - 4).isEqualTo(1 + 1 + 8 + 2 + 5);
	}

	private static Object decodeOnly(byte[] frame) throws IOException {
		DataInputStream in = input(frame);
		byte[] payload = WorkerProtocol.readFrame(in);
		assertThat(payload).isNotNull();
		assertThat(WorkerProtocol.readFrame(in)).as("nothing after the frame").isNull();
		return WorkerProtocol.decode(payload);
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3 })
	void lengthCutShortIsCorruptedNotACleanEnd(int bytes) {
		byte[] torn = Arrays.copyOf(ByteBuffer.allocate(4).putInt(16).array(), bytes);
		assertThatIOException().isThrownBy(() -> WorkerProtocol.readFrame(input(torn)));
	}

	@Test
	void lookupInstantOutOfRangeIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.lookup(
				new WorkerProtocol.Lookup(1, Source.LOCAL, AT, 1_000_000L, "127.0.0.1", List.of("UTC"), new BitSet())));
		ByteBuffer.wrap(payload).putLong(1 + 8 + 1, Long.MAX_VALUE);
		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload));
	}

	@Test
	void itemCountLargerThanTheFrameIsRefusedBeforeAllocating() throws IOException {
		byte[] payload = payload(WorkerProtocol
			.lookup(new WorkerProtocol.Lookup(1, Source.LOCAL, AT, 1_000_000L, "127.0.0.1", List.of(), new BitSet())));
		ByteBuffer.wrap(payload).putInt(payload.length - 4, WorkerProtocol.MAX_FRAME);
		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("count " + WorkerProtocol.MAX_FRAME);
	}

	@Test
	void helloOfAnotherProtocolVersionIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol.hello(1, "2026f"));
		payload[1] = WorkerProtocol.VERSION - 1;

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("protocol version 1, not 2");
	}

	@Test
	void lookupPermissionsRoundTripABitPerItem() throws IOException {
		List<String> zones = Collections.nCopies(17, "UTC");
		for (BitSet permitted : List.of(new BitSet(), bits(0), bits(16), bits(7, 8), bits(0, 1, 2, 3, 4, 5, 6, 7))) {
			WorkerProtocol.Lookup lookup = new WorkerProtocol.Lookup(9, Source.UPSTREAM, AT, 1, "::1", zones,
					permitted);
			byte[] payload = payload(WorkerProtocol.lookup(lookup));

			assertThat(decodeOnly(WorkerProtocol.lookup(lookup))).isEqualTo(lookup);
			// Three bytes of bits for 17 items, whatever is set.
			assertThat(payload.length).isEqualTo(payload(WorkerProtocol
				.lookup(new WorkerProtocol.Lookup(9, Source.UPSTREAM, AT, 1, "::1", zones, new BitSet()))).length);
		}
	}

	@Test
	void permissionPastTheLastItemIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol
			.lookup(new WorkerProtocol.Lookup(1, Source.UPSTREAM, AT, 1, "::1", List.of("UTC", "GB"), bits(1))));
		// The last byte holds the bits of items 0 to 7: set item 2's.
		payload[payload.length - 1] |= 0b100;

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("a permission past the last of 2 items");
	}

	@Test
	void lookupThatPermitsMoreItemsThanItHasIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkerProtocol.Lookup(1, Source.UPSTREAM, AT, 1, "::1", List.of("UTC"), bits(1)));
	}

	@ParameterizedTest
	@EnumSource(UpstreamBreaker.State.class)
	void breakerStateRoundTrips(UpstreamBreaker.State state) throws IOException {
		byte[] frame = WorkerProtocol.breaker(new WorkerProtocol.Breaker(state));

		assertThat(decodeOnly(frame)).isEqualTo(new WorkerProtocol.Breaker(state));
		assertThat(frame.length - 4).isEqualTo(2);
	}

	@Test
	void unknownBreakerStateIsCorrupted() {
		byte[] payload = { WorkerProtocol.BREAKER, (byte) UpstreamBreaker.State.values().length };

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(payload))
			.withMessageContaining("breaker state 3");
	}

	@Test
	void callsRoundTrip() throws IOException {
		WorkerProtocol.Calls calls = new WorkerProtocol.Calls(
				List.of(new WorkerProtocol.Call(1, CallVerdict.SUCCESS, true, 1_234_567),
						new WorkerProtocol.Call(Long.MAX_VALUE, CallVerdict.FAILURE, false, 2_000_000_000L),
						new WorkerProtocol.Call(-1, CallVerdict.NONE, true, 0)));

		byte[] frame = WorkerProtocol.calls(calls);

		assertThat(decodeOnly(frame)).isEqualTo(calls);
		// type, count, then 18 bytes a call
		assertThat(frame.length - 4).isEqualTo(1 + 4 + 3 * 18);
	}

	@Test
	void callOfAnUnknownVerdictOrANegativeDurationIsCorrupted() throws IOException {
		byte[] payload = payload(WorkerProtocol
			.calls(new WorkerProtocol.Calls(List.of(new WorkerProtocol.Call(1, CallVerdict.SUCCESS, true, 5)))));
		byte[] verdict = payload.clone();
		verdict[1 + 4 + 8] = (byte) CallVerdict.values().length;
		byte[] nanos = payload.clone();
		ByteBuffer.wrap(nanos).putLong(1 + 4 + 8 + 1 + 1, -5);

		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(verdict)).withMessageContaining("verdict 3");
		assertThatIOException().isThrownBy(() -> WorkerProtocol.decode(nanos)).withMessageContaining("a call of -5 ns");
	}

	private static BitSet bits(int... items) {
		BitSet bits = new BitSet();
		for (int item : items) {
			bits.set(item);
		}
		return bits;
	}

	private static byte[] payload(byte[] frame) {
		return Arrays.copyOfRange(frame, 4, frame.length);
	}

	private static DataInputStream input(byte[] bytes) {
		return new DataInputStream(new ByteArrayInputStream(bytes));
	}

	private static Zone zone(@Nullable Zone zone) {
		assertThat(zone).isNotNull();
		return zone;
	}

}
