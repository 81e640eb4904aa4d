package dev.stitch.stream.app;

import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

/** Produces events as the bridge would, and reads topics as a read_committed consumer would, in tests. */
public final class TestClients {

    private TestClients() {
    }

    /** Writes events to the raw topic, keyed by their routing key, through the registry serde; waits for every ack. */
    public static void produce(String bootstrap, SchemaRegistry registry, String topic, List<SegmentEvent> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerde<>(SegmentEvent.class, registry).serializer())) {
            for (SegmentEvent event : events) {
                producer.send(new ProducerRecord<>(topic, EventIds.of(event, JunkIds.defaults()).routingKey(), event));
            }
            producer.flush();
        }
    }

    /** Reads from the beginning until {@code done} holds for what was read, or fails after {@code timeout}. */
    public static <K, V> List<ConsumerRecord<K, V>> readUntil(String bootstrap, String topic, Deserializer<K> keys,
                                                       Deserializer<V> values, Predicate<List<ConsumerRecord<K, V>>> done,
                                                       Duration timeout) {
        List<ConsumerRecord<K, V>> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(readCommitted(bootstrap), keys, values)) {
            seekToBeginning(consumer, topic);
            Eventually.within(timeout, "the records awaited on " + topic).every(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() + " records read";
            }, count -> done.test(read));
        }
        return read;
    }

    /** Reads everything committed up to the current end of every partition. */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(String bootstrap, String topic, Deserializer<K> keys,
                                                       Deserializer<V> values) {
        List<ConsumerRecord<K, V>> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(readCommitted(bootstrap), keys, values)) {
            List<TopicPartition> partitions = seekToBeginning(consumer, topic);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    private static Properties readCommitted(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    private static List<TopicPartition> seekToBeginning(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
