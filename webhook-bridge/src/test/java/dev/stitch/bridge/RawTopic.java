package dev.stitch.bridge;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the raw topic back as a read_committed consumer would, through the registry serde. */
final class RawTopic {

    private RawTopic() {
    }

    /** Everything on the topic up to the current end of every partition. */
    static List<ConsumerRecord<String, SegmentEvent>> readToEnd(String bootstrap, String topic, SchemaRegistry registry) {
        List<ConsumerRecord<String, SegmentEvent>> read = new ArrayList<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new AvroSerde<>(SegmentEvent.class, registry).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            Eventually.within(Duration.ofSeconds(60), topic + " read to its end").every(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() + " records read";
            }, count -> partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p)));
        }
        return read;
    }
}
