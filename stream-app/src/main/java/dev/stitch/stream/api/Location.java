package dev.stitch.stream.api;

/** Where the state of one key lives, as Kafka Streams' metadata says. */
sealed interface Location {

    /** In this instance, in the given partition's store. */
    record Local(int partition) implements Location {
    }

    /** In another instance, whose query API answers at {@code host:port}. */
    record Remote(String host, int port) implements Location {
    }

    /** Nowhere just now: the application is starting or rebalancing. */
    record Unavailable(String reason) implements Location {
    }
}
