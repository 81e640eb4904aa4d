package dev.stitch.stream.errors;

import dev.stitch.serde.SchemaRegistryException;

/**
 * A Schema Registry that cannot be reached or fails is passing trouble, not the record's fault: the
 * record is processed again once the registry is back, never sent to the dead-letter topic.
 */
public final class RegistryTrouble {

    private RegistryTrouble() {
    }

    /** The registry failure among the causes of {@code error}, or null when the error is not one. */
    public static SchemaRegistryException in(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registryError
                    && (registryError.status() == SchemaRegistryException.NO_RESPONSE || registryError.status() >= 500)) {
                return registryError;
            }
        }
        return null;
    }
}
