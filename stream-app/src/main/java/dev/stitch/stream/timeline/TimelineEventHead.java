package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Writes the head of an encoded {@code TimelineEvent} — its canonical userId, {@code sequence} and flags —
 * around the Segment event's bytes, without decoding or encoding that event. The record is the head's
 * four fields and then the event, and Avro's binary encoding of a record is its fields' encodings one
 * after the other, so the event's bytes (about a kilobyte) are copied as they are: an emitted event gets
 * its place, and an arriving event its head, for a few bytes of work instead of a full decode and encode.
 */
final class TimelineEventHead {

    /** The record's fields, in order: the head, then the event. */
    private static final List<String> FIELDS = List.of("userId", "sequence", "stitched", "late", "event");
    /** The branches of a {@code ["null", T]} union. */
    private static final int NULL_BRANCH = 0;
    private static final int VALUE_BRANCH = 1;

    static {
        List<String> fields = TimelineEvent.SCHEMA$.getFields().stream().map(Schema.Field::name).toList();
        if (!fields.equals(FIELDS)) {
            throw new IllegalStateException("TimelineEvent's fields are " + fields + ", not " + FIELDS
                    + ": TimelineEventHead cannot write its head around the event's bytes");
        }
    }

    private TimelineEventHead() {
    }

    /**
     * A wire-format TimelineEvent: the first {@link WireFormat#HEADER_SIZE} bytes of {@code header}, the
     * head's fields, then {@code body} from {@code bodyStart} on.
     */
    private static byte[] withHead(byte[] header, String userId, Long sequence, boolean stitched, boolean late, byte[] body,
                                   int bodyStart) throws IOException {
        int bodyLength = body.length - bodyStart;
        ByteArrayOutputStream out = new ByteArrayOutputStream(WireFormat.HEADER_SIZE + bodyLength + (userId == null ? 0 : 3 * userId.length()) + 16);
        out.write(header, 0, WireFormat.HEADER_SIZE);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        if (userId == null) {
            encoder.writeIndex(NULL_BRANCH);
        } else {
            encoder.writeIndex(VALUE_BRANCH);
            encoder.writeString(userId);
        }
        if (sequence == null) {
            encoder.writeIndex(NULL_BRANCH);
        } else {
            encoder.writeIndex(VALUE_BRANCH);
            encoder.writeLong(sequence);
        }
        encoder.writeBoolean(stitched);
        encoder.writeBoolean(late);
        encoder.flush();
        out.write(body, bodyStart, bodyLength);
        return out.toByteArray();
    }

    /**
     * The event encoded as the serializer would encode it, its Segment event's body copied from the
     * record it arrived in ({@code arrivedAs}, written with the application's own SegmentEvent schema)
     * instead of encoded again.
     *
     * @param schemaId the id of the TimelineEvent schema under the topic's value subject
     */
    static byte[] composed(int schemaId, TimelineEvent event, byte[] arrivedAs) {
        try {
            ByteArrayOutputStream header = new ByteArrayOutputStream(WireFormat.HEADER_SIZE);
            WireFormat.writeHeader(header, schemaId);
            return withHead(header.toByteArray(), event.getUserId(), event.getSequence(), event.getStitched(), event.getLate(),
                    arrivedAs, WireFormat.HEADER_SIZE);
        } catch (IOException e) {
            throw new SerializationException("a TimelineEvent could not be written around its Segment event's bytes", e);
        }
    }

    /** The encoded event with its userId, sequence and late flag set; its stitched flag and event as they were. */
    static byte[] placed(byte[] encoded, String userId, long sequence, boolean late) {
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(encoded, WireFormat.HEADER_SIZE, encoded.length - WireFormat.HEADER_SIZE);
            BinaryDecoder head = DecoderFactory.get().directBinaryDecoder(in, null);
            if (head.readIndex() == VALUE_BRANCH) {
                head.skipString();
            }
            if (head.readIndex() == VALUE_BRANCH) {
                head.readLong();
            }
            boolean stitched = head.readBoolean();
            head.readBoolean();
            int eventStart = encoded.length - in.available();

            // The header's schema id stays: the copied bytes were written with that schema.
            return withHead(encoded, userId, sequence, stitched, late, encoded, eventStart);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("an encoded TimelineEvent's head does not read as userId, sequence, stitched, late", e);
        }
    }
}
