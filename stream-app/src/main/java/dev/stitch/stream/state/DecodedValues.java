package dev.stitch.stream.state;

/**
 * What a {@link WriteBackStore} needs to know of the values it keeps decoded: how to copy one, so that
 * a reader's changes stay its own until it puts them, and about how much heap one takes.
 */
public interface DecodedValues<V> {

    /**
     * A copy the caller may change: the record and its collections new, the records within shared,
     * which no caller changes (it replaces them).
     */
    V copy(V value);

    /** About how many bytes of heap the value takes, for the store's bound. */
    int estimatedBytes(V value);

    /**
     * At least as many bytes as the value takes encoded in the wire format, header included: a string
     * at most three bytes a character behind its length, a number at most ten.
     */
    long maxEncodedBytes(V value);
}
