package dev.stitch.serde;

/**
 * A schema registry's refusal or failure: the HTTP status of its answer ({@link #NO_RESPONSE} when no
 * registry answered), its numeric {@code error_code} (the Confluent codes, such as
 * {@value #SUBJECT_NOT_FOUND}) and its message.
 */
public class SchemaRegistryException extends RuntimeException {

    /** The status given when no registry answered at all (connection refused, timeout). */
    public static final int NO_RESPONSE = 0;
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int BACKEND_ERROR = 50001;

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(int status, int errorCode, String registryMessage) {
        this(status, errorCode, registryMessage, null);
    }

    public SchemaRegistryException(int status, int errorCode, String registryMessage, Throwable cause) {
        super(describe(status, errorCode, registryMessage), cause);
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static SchemaRegistryException schemaNotFound(int id) {
        return new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found.");
    }

    static SchemaRegistryException incompatible(String detail) {
        return new SchemaRegistryException(409, INCOMPATIBLE_SCHEMA, detail);
    }

    static SchemaRegistryException invalidSchema(String detail) {
        return new SchemaRegistryException(422, INVALID_SCHEMA, detail);
    }

    /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}: a Confluent code such as 40401, or the HTTP status when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's {@code message}, without the status and code that {@link #getMessage()} adds. */
    public String registryMessage() {
        return registryMessage;
    }

    private static String describe(int status, int errorCode, String registryMessage) {
        if (status == NO_RESPONSE) {
            return registryMessage + " (no answer from the schema registry)";
        }
        return registryMessage + " (HTTP " + status + ", error_code " + errorCode + ")";
    }
}
