package dev.stitch.benchmark;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/** Counts the records an application wrote: its output topics, and its internal topics. */
final class OutputCounter {

    private OutputCounter() {
    }

    /** Committed records per output topic, as a read_committed consumer sees them. */
    static Map<String, Long> count(String bootstrap, List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, Long> counts = new LinkedHashMap<>();
        topics.forEach(topic -> counts.put(topic, 0L));
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // For a read_committed consumer these are the last stable offsets: all committed output.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> counts.merge(record.topic(), 1L, Long::sum));
            }
        }
        return counts;
    }

    /** What went to Kafka for one kind of topic. */
    record Written(long records, long bytes) {

        Written plus(Written other) {
            return new Written(records + other.records, bytes + other.bytes);
        }
    }

    /**
     * What the application wrote, by topic (internal topics without the application id's prefix):
     * records as the sum of end offsets (each transaction's commit markers count too, a few per
     * 100 ms) and bytes as the partitions' size on the broker's disk.
     */
    static Map<String, Written> written(Admin admin, String applicationId, List<String> outputTopics)
            throws InterruptedException, ExecutionException {
        List<String> topics = new ArrayList<>(outputTopics);
        admin.listTopics().names().get().stream().filter(name -> name.startsWith(applicationId + "-")).forEach(topics::add);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> sizes = new HashMap<>();
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
        admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                dir -> dir.replicaInfos().forEach((partition, replica) -> sizes.merge(partition, replica.size(), Long::sum))));
        Map<String, Written> byTopic = new TreeMap<>();
        String prefix = applicationId + "-";
        admin.listOffsets(request).all().get().forEach((partition, info) -> byTopic.merge(
                partition.topic().startsWith(prefix) ? partition.topic().substring(prefix.length()) : partition.topic(),
                new Written(info.offset(), sizes.getOrDefault(partition, 0L)), Written::plus));
        return byTopic;
    }

    /** The kind of a topic {@link #written} names: "output", "repartition" or "changelog". */
    static String kind(String topic, List<String> outputTopics) {
        if (outputTopics.contains(topic)) {
            return "output";
        }
        return topic.endsWith("-changelog") ? "changelog" : "repartition";
    }
}
