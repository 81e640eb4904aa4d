package dev.stitch.stream.api;

import java.util.Locale;

/** Which local copy of a partition's store a read may use. */
enum Replica {
    /** Only the active copy, which the stream writes: up to date, and unreadable while it is restored or moved. */
    ACTIVE,
    /** Any local copy, the standby one included (Kafka Streams' stale stores): readable while the active is not, maybe behind it. */
    STANDBY;

    /** How answers name it, in the {@code X-Stitch-Replica} header. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
