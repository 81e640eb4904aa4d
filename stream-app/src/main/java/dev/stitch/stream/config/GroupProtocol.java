package dev.stitch.stream.config;

/** How the instances of the application agree on who processes which partitions. */
public enum GroupProtocol {
    /** The consumer group protocol Kafka Streams has always used; the leader assigns the tasks. */
    CLASSIC,
    /** Kafka 4's Streams rebalance protocol: the broker assigns the tasks, one member at a time. */
    STREAMS
}
