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
 * Sets the fields a timeline gives an event — its canonical userId, {@code sequence} and
 * {@code late} — in an encoded {@code TimelineEvent}, without decoding the Segment event it carries.
 * The four fields come first in the record, and Avro's binary encoding of a record is its fields'
 * encodings one after the other, so the event's bytes (about a kilobyte) are copied as they are: each
 * emitted event costs a few bytes of work instead of a full decode and encode. The header's schema id
 * stays: the copied bytes were written with that schema.
 */
final class TimelineEventHead {

    /** The head's fields, in order, as every version of the schema has them. */
    private static final List<String> HEAD = List.of("userId", "sequence", "stitched", "late");
    /** The branch of a {@code ["null", T]} union that holds a value. */
    private static final int VALUE_BRANCH = 1;

    static {
        List<String> fields = TimelineEvent.SCHEMA$.getFields().stream().map(Schema.Field::name).limit(HEAD.size()).toList();
        if (!fields.equals(HEAD)) {
            throw new IllegalStateException("TimelineEvent's first fields are " + fields + ", not " + HEAD
                    + ": TimelineEventHead cannot rewrite them in place");
        }
    }

    private TimelineEventHead() {
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

            ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length + userId.length() + 16);
            out.write(encoded, 0, WireFormat.HEADER_SIZE);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeIndex(VALUE_BRANCH);
            encoder.writeString(userId);
            encoder.writeIndex(VALUE_BRANCH);
            encoder.writeLong(sequence);
            encoder.writeBoolean(stitched);
            encoder.writeBoolean(late);
            encoder.flush();
            out.write(encoded, eventStart, encoded.length - eventStart);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("an encoded TimelineEvent's head does not read as userId, sequence, stitched, late", e);
        }
    }
}
