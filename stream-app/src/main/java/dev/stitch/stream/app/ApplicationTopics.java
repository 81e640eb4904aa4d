package dev.stitch.stream.app;

import dev.stitch.stream.config.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * The application's own topics before Kafka Streams starts, with one admin client: the missing ones
 * created when asked, and the user-moves topic checked against the raw topic.
 */
final class ApplicationTopics {

    private static final Logger log = LoggerFactory.getLogger(ApplicationTopics.class);

    private ApplicationTopics() {
    }

    /** @param streamsProps the application's Kafka Streams configuration, whose client settings the admin client takes */
    private static final int METADATA_ATTEMPTS = 20;
    private static final long METADATA_RETRY_MS = 250;

    static void prepare(Properties streamsProps, TopicNames topics, int partitions, boolean createMissing) {
        Properties adminProps = new Properties();
        adminProps.putAll(streamsProps);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, streamsProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(StitchApplication.only(AdminClientConfig.configNames(), adminProps))) {
            if (createMissing) {
                createMissing(admin, topics, partitions);
            }
            requireUserMovesLikeRaw(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing topics", e);
        }
    }

    private static void createMissing(Admin admin, TopicNames topics, int partitions) throws InterruptedException {
        // The identity changes are keyed by id, the latest change of an id is its mapping: compacted,
        // so an erased id's tombstone removes every record that named its user (R13).
        List<NewTopic> wanted = List.of(topics.raw(), topics.timeline(), topics.anonymous(), topics.identityChanges(),
                        topics.deadLetters(), topics.userMoves()).stream()
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .map(topic -> topic.name().equals(topics.identityChanges())
                        ? topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))
                        : topic)
                .toList();
        for (var entry : admin.createTopics(wanted).values().entrySet()) {
            try {
                entry.getValue().get();
                log.info("Created topic {} with {} partitions", entry.getKey(), partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + entry.getKey() + ": "
                            + e.getCause().getMessage() + ". Create it yourself, or check the broker's ACLs.", e.getCause());
                }
            }
        }
    }

    /**
     * The timeline stage reads the user-moves topic beside a repartition topic as large as the raw
     * topic, partition by partition: with another partition count, moved events would reach the wrong
     * task. Refuses to start then, rather than lose them.
     */
    private static void requireUserMovesLikeRaw(Admin admin, TopicNames topics) throws InterruptedException {
        try {
            int raw = partitionsOf(admin, topics.raw());
            int moves = partitionsOf(admin, topics.userMoves());
            if (raw != moves) {
                throw new IllegalStateException("Topic " + topics.userMoves() + " has " + moves + " partitions and " + topics.raw()
                        + " has " + raw + "; they must have the same number. Create " + topics.userMoves() + " again with " + raw
                        + " partitions (it holds only records on their way between users).");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not describe topics " + topics.raw() + " and " + topics.userMoves() + ": "
                    + e.getCause().getMessage() + ". Create them before the first start (the deploy guide lists them).", e.getCause());
        }
    }

    /**
     * A topic's partition count. A topic created a moment ago may not have reached the broker's metadata
     * yet, which then answers that it does not know it: asked again a few times before that counts.
     */
    private static int partitionsOf(Admin admin, String topic) throws InterruptedException, ExecutionException {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get().partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == METADATA_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(METADATA_RETRY_MS);
            }
        }
    }
}
