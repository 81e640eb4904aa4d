package dev.stitch.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject: the subject's name, the schema's global id, its version number within the
 * subject (1, 2, 3, ...) and the schema itself.
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
