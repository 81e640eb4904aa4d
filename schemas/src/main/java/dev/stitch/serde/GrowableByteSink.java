package dev.stitch.serde;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An unsynchronized, reusable in-memory output stream for one thread's serializations: the bytes written
 * since the last {@link #reset()}. ByteArrayOutputStream would take a lock on every write.
 */
final class GrowableByteSink extends OutputStream {

    /** A buffer grown past this by one big record is dropped at the next reset rather than kept per thread. */
    private static final int MAX_RETAINED_CAPACITY = 1 << 20;

    private final int initialCapacity;
    private byte[] buffer;
    private int count;

    GrowableByteSink(int initialCapacity) {
        this.initialCapacity = initialCapacity;
        this.buffer = new byte[initialCapacity];
    }

    @Override
    public void write(int b) {
        ensureCapacity(count + 1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensureCapacity(count + length);
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    void reset() {
        if (buffer.length > MAX_RETAINED_CAPACITY) {
            buffer = new byte[initialCapacity];
        }
        count = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, count);
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            if (needed < 0) {
                throw new OutOfMemoryError("A serialized record would exceed 2 GB.");
            }
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
