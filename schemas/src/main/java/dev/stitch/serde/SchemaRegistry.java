package dev.stitch.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry the pipeline uses: schemas registered under subjects
 * ({@code <topic>-value}, {@code <topic>-key}), each registration getting a global id that the wire format
 * carries in front of every record.
 *
 * <p>Implementations are thread-safe. Failures are {@link SchemaRegistryException}s carrying the registry's
 * HTTP status and error code.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} and returns its global id; registering a schema the
     * subject already holds returns the id it got then, without adding a version.
     *
     * @throws SchemaRegistryException with error code {@value SchemaRegistryException#INCOMPATIBLE_SCHEMA}
     *     when the registry refuses the schema as incompatible with the subject's latest version
     */
    int register(String subject, Schema schema);

    /**
     * Returns the schema registered with global id {@code id}.
     *
     * @throws SchemaRegistryException with error code {@value SchemaRegistryException#SCHEMA_NOT_FOUND}
     *     when no schema has that id
     */
    Schema schemaById(int id);

    /**
     * Returns the subject's latest version.
     *
     * @throws SchemaRegistryException with error code {@value SchemaRegistryException#SUBJECT_NOT_FOUND}
     *     when the subject has no versions
     */
    RegisteredSchema latest(String subject);

    /**
     * Tells whether data written with the subject's latest schema can be read with {@code schema} (Avro
     * BACKWARD compatibility); true when the subject has no versions yet.
     */
    boolean isCompatible(String subject, Schema schema);

    /** Returns the names of the subjects that hold at least one version. */
    List<String> subjects();
}
