package dev.stitch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real in-process broker: transactions and exactly-once streams, restarts on the same directory and port, two brokers at once. */
class EmbeddedKafkaBrokerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    @Test
    void readCommittedConsumerSeesCommittedTransactionsAndNotAbortedOnes() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(tempDir.resolve("kafka"), 0)) {
            broker.createTopics(2, "orders");

            try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("orders", "user-" + i, "committed-" + i));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("orders", "user-0", "aborted")).get(30, TimeUnit.SECONDS);
                producer.abortTransaction();
            }

            List<String> values = readCommittedValues(broker, "orders", 10, "reader-" + UUID.randomUUID());
            assertThat(values).hasSize(10)
                    .containsExactlyInAnyOrderElementsOf(range("committed-", 10))
                    .doesNotContain("aborted");
        }
    }

    @Test
    void restartOnTheSameDirectoryAndPortKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
        Path logDir = tempDir.resolve("kafka");
        int port;
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, 0)) {
            port = broker.port();
            clusterId = broker.clusterId();
            broker.createTopics(3, "events");
            try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>("events", "user-" + i, "event-" + i));
                }
                producer.commitTransaction();
            }
            // The group reads everything and commits its offsets (consumers commit on close).
            assertThat(readCommittedValues(broker, "events", 5, "timeline-reader")).hasSize(5);
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, port)) {
            assertThat(broker.bootstrapServers()).isEqualTo("localhost:" + port);
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            try (Admin admin = admin(broker)) {
                TopicDescription events = admin.describeTopics(List.of("events")).allTopicNames().get(30, TimeUnit.SECONDS).get("events");
                assertThat(events.partitions()).hasSize(3);

                Map<TopicPartition, Long> committed = new HashMap<>();
                admin.listConsumerGroupOffsets("timeline-reader").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                        .forEach((partition, offset) -> committed.put(partition, offset.offset()));
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int partition = 0; partition < 3; partition++) {
                    latest.put(new TopicPartition("events", partition), OffsetSpec.latest());
                }
                Map<TopicPartition, Long> endOffsets = new HashMap<>();
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                        .forEach((partition, info) -> endOffsets.put(partition, info.offset()));
                // The group had read to the end of every partition before the restart, and still has.
                assertThat(endOffsets.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(5);
                assertThat(committed).isEqualTo(endOffsets);
            }
            assertThat(readCommittedValues(broker, "events", 5, "fresh-reader"))
                    .containsExactlyInAnyOrderElementsOf(range("event-", 5));

            // Asking again for an existing topic is fine and changes nothing.
            broker.createTopics(7, "events");
            try (Admin admin = admin(broker)) {
                assertThat(admin.describeTopics(List.of("events")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("events").partitions()).hasSize(3);
            }
        }
    }

    @Test
    void twoBrokersInOneJvmServeSeparateClustersSideBySide() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(tempDir.resolve("first"), 0);
             EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(tempDir.resolve("second"), 0)) {
            assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
            assertThat(first.clusterId()).isNotEqualTo(second.clusterId());

            first.createTopics(1, "shared");
            second.createTopics(1, "shared");
            produceCommitted(first, "shared", "from-first");
            produceCommitted(second, "shared", "from-second");

            assertThat(readCommittedValues(first, "shared", 1, "reader")).containsExactly("from-first");
            assertThat(readCommittedValues(second, "shared", 1, "reader")).containsExactly("from-second");
        }
    }

    @Test
    void refusesALogDirectoryAnotherRunningBrokerUsesAndLeavesThatBrokerWorking() {
        Path logDir = tempDir.resolve("kafka");
        try (EmbeddedKafkaBroker running = EmbeddedKafkaBroker.start(logDir, 0)) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(logDir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another running broker");

            running.createTopics(1, "still-served");
            produceCommitted(running, "still-served", "fine");
            assertThat(readCommittedValues(running, "still-served", 1, "reader")).containsExactly("fine");
        }
    }

    @Test
    void topicsCreatedWithoutACountGetTheDefaultPartitionsAndNoTopicIsCreatedAutomatically() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(tempDir.resolve("kafka"), 0, 4);
             Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic("defaulted", Optional.empty(), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of("defaulted")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("defaulted").partitions()).hasSize(4);

            Properties config = producerConfig(broker);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                assertThatThrownBy(() -> producer.partitionsFor("never-created"))
                        .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("never-created");
        }
    }

    @Test
    void kafkaStreamsWithExactlyOnceV2CommitsItsOutputForReadCommittedConsumers() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(tempDir.resolve("kafka"), 0)) {
            broker.createTopics(2, "words", "shouted");

            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()).withName("read-words"))
                    .mapValues(word -> word.toUpperCase(Locale.ROOT), Named.as("shout"))
                    .to("shouted", Produced.with(Serdes.String(), Serdes.String()).withName("write-shouted"));
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedded-it-" + UUID.randomUUID());
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            config.put(StreamsConfig.STATE_DIR_CONFIG, tempDir.resolve("streams").toString());

            try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
                streams.start();
                for (String word : List.of("anonymous", "identify", "track")) {
                    produceCommitted(broker, "words", word);
                }
                assertThat(readCommittedValues(broker, "shouted", 3, "shouted-reader"))
                        .containsExactlyInAnyOrder("ANONYMOUS", "IDENTIFY", "TRACK");
            }
        }
    }

    // --- clients --------------------------------------------------------------------------------

    private static void produceCommitted(EmbeddedKafkaBroker broker, String topic, String value) {
        try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "key", value));
            producer.commitTransaction();
        }
    }

    /** Reads {@code expected} values as group {@code groupId} with read_committed, or fails at the deadline. */
    private static List<String> readCommittedValues(EmbeddedKafkaBroker broker, String topic, int expected, String groupId) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            Eventually.within(DEADLINE, expected + " records on " + topic).every(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return values.size();
            }, read -> read >= expected);
            // A short extra poll catches anything beyond what was expected.
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            consumer.commitSync();
        }
        assertThat(values).as("records read from %s on %s", topic, broker).hasSize(expected);
        return values;
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker broker) {
        Properties config = producerConfig(broker);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-it-" + UUID.randomUUID());
        return new KafkaProducer<>(config);
    }

    private static Properties producerConfig(EmbeddedKafkaBroker broker) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static List<String> range(String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }
}
