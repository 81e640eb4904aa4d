package dev.stitch.stream.api;

/**
 * One place a key's state can be read, as Kafka Streams' metadata says. {@link KeyReplicas#places}
 * lists them in order of preference: the active copy, here ({@link Local}) or elsewhere
 * ({@link Remote}), then the standby copies, here ({@link LocalStandby}) before elsewhere
 * ({@link RemoteStandby}); {@link Unavailable} when the metadata names none.
 */
sealed interface Location {

    /** In this instance, in the given partition's store: the active copy, up to date. */
    record Local(int partition) implements Location {
    }

    /** In this instance, in its standby copy of the partition: it may be a little behind the active. */
    record LocalStandby(int partition) implements Location {
    }

    /** In another instance, the active one, whose query API answers at {@code host:port}. */
    record Remote(String host, int port) implements Location {
    }

    /** In another instance that holds a standby copy of the partition, whose query API answers at {@code host:port}. */
    record RemoteStandby(String host, int port) implements Location {
    }

    /** Nowhere just now: the application is starting or rebalancing. */
    record Unavailable(String reason) implements Location {
    }
}
