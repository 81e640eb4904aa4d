package dev.stitch.serde;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format's header, in front of every Avro record: the magic byte {@code 0x0}, then the
 * writer schema's registry id as a 4-byte big-endian int. The Avro binary encoding follows.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int SCHEMA_ID_SIZE = 4;
    public static final int HEADER_SIZE = 1 + SCHEMA_ID_SIZE;

    private WireFormat() {
    }

    /** Writes the header for a record written with schema {@code schemaId}. */
    public static void writeHeader(OutputStream out, int schemaId) throws IOException {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * Reads the schema id from the header of the record in {@code data[offset, offset + length)}, read from
     * {@code topic}.
     *
     * @throws SerializationException when the record is shorter than the header or lacks the magic byte
     */
    public static int readSchemaId(String topic, byte[] data, int offset, int length) {
        if (length < HEADER_SIZE) {
            throw new SerializationException("A record on topic '" + topic + "' is " + length + " bytes long, shorter than "
                    + "the " + HEADER_SIZE + "-byte header (magic byte 0x0 and 4-byte schema id) of the schema registry wire format.");
        }
        if (data[offset] != MAGIC_BYTE) {
            throw new SerializationException(String.format("A record on topic '%s' starts with byte 0x%02x instead of the "
                    + "magic byte 0x0 of the schema registry wire format: it was not written by a schema-registry Avro serializer.",
                    topic, data[offset] & 0xff));
        }
        return (data[offset + 1] & 0xff) << 24
                | (data[offset + 2] & 0xff) << 16
                | (data[offset + 3] & 0xff) << 8
                | (data[offset + 4] & 0xff);
    }
}
