package dev.stitch.stream.state;

import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.ByteBuffer;

/**
 * When a messageId was seen and in which input record, as the index of {@link SeenMessages} holds it: time
 * (8 bytes), then the record's topic (as its hash), partition and offset (4, 4 and 8 bytes). An id
 * taken in from a committed batch has no record: any later record with the id is a duplicate.
 */
public record Sighting(long time, int topicHash, int partition, long offset) {

    public static final int BYTES = Long.BYTES + Integer.BYTES + Integer.BYTES + Long.BYTES;
    private static final long NO_OFFSET = -1;

    /** Seen at {@code time} in the record {@code source} describes; with none, as a committed one. */
    public static Sighting of(long time, RecordMetadata source) {
        return source == null ? committed(time) : new Sighting(time, source.topic().hashCode(), source.partition(), source.offset());
    }

    /** Taken in from a committed batch: the record that carried it will not be processed again. */
    public static Sighting committed(long time) {
        return new Sighting(time, 0, -1, NO_OFFSET);
    }

    /**
     * Whether {@code source} is the record this sighting was made in: processed again after a
     * transaction that did not commit, it is no duplicate of itself.
     */
    public boolean sameRecord(RecordMetadata source) {
        return offset != NO_OFFSET && source != null && source.offset() == offset && source.partition() == partition
                && source.topic().hashCode() == topicHash;
    }

    public byte[] encoded() {
        return ByteBuffer.allocate(BYTES).putLong(time).putInt(topicHash).putInt(partition).putLong(offset).array();
    }

    public static Sighting decoded(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new Sighting(buffer.getLong(), buffer.getInt(), buffer.getInt(), buffer.getLong());
    }
}
