package dev.timefan;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * An edit of bytes at a position (modulo their length), to mutate a valid body or frame
 * into a near miss: a byte written, inserted or deleted, the bytes cut there, or a
 * big-endian {@code int} or {@code short} there (a length, a count, a UTF length)
 * overwritten with an extreme.
 *
 * @param kind the edit
 * @param position where
 * @param value the byte written or inserted
 * @param extreme the {@code int} or {@code short} written
 */
public record ByteEdit(Kind kind, int position, byte value, int extreme) {

	/**
	 * Lists of edits.
	 * @param minSize the fewest edits
	 * @param maxSize the most edits
	 * @return the arbitrary
	 */
	public static Arbitrary<List<ByteEdit>> edits(int minSize, int maxSize) {
		return Combinators
			.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1 << 20), Arbitraries.bytes(),
					Arbitraries.of(0, -1, 1, 0x7fff, 0xffff, 16 * 1024 * 1024, Integer.MAX_VALUE, Integer.MIN_VALUE))
			.as(ByteEdit::new)
			.list()
			.ofMinSize(minSize)
			.ofMaxSize(maxSize);
	}

	/**
	 * Bytes after edits, applied in order.
	 * @param bytes the bytes, left as they are
	 * @param edits the edits
	 * @return the edited bytes
	 */
	public static byte[] applyAll(byte[] bytes, List<ByteEdit> edits) {
		byte[] edited = bytes;
		for (ByteEdit edit : edits) {
			edited = edit.apply(edited);
		}
		return edited;
	}

	/**
	 * Bytes after this edit.
	 * @param bytes the bytes, left as they are
	 * @return the edited bytes
	 */
	public byte[] apply(byte[] bytes) {
		if (bytes.length == 0) {
			return (this.kind == Kind.INSERT) ? new byte[] { this.value } : bytes;
		}
		int at = this.position % bytes.length;
		return switch (this.kind) {
			case REPLACE -> {
				byte[] replaced = bytes.clone();
				replaced[at] = this.value;
				yield replaced;
			}
			case INSERT -> {
				byte[] longer = new byte[bytes.length + 1];
				System.arraycopy(bytes, 0, longer, 0, at);
				longer[at] = this.value;
				System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
				yield longer;
			}
			case DELETE -> {
				byte[] shorter = new byte[bytes.length - 1];
				System.arraycopy(bytes, 0, shorter, 0, at);
				System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
				yield shorter;
			}
			case CUT -> Arrays.copyOf(bytes, at);
			case INT -> {
				byte[] written = bytes.clone();
				if (bytes.length >= 4) {
					ByteBuffer.wrap(written).putInt(Math.min(at, bytes.length - 4), this.extreme);
				}
				yield written;
			}
			case SHORT -> {
				byte[] written = bytes.clone();
				if (bytes.length >= 2) {
					ByteBuffer.wrap(written).putShort(Math.min(at, bytes.length - 2), (short) this.extreme);
				}
				yield written;
			}
		};
	}

	/** The edits. */
	public enum Kind {

		REPLACE, INSERT, DELETE, CUT, INT, SHORT

	}

}
