package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Produces the throughput phase's events to the raw topic once, as the bridge does (keyed by routing
 * key, acks=all, idempotent), each stamped with its simulated arrival time.
 */
final class InputLoader {

    /**
     * @param events          records produced
     * @param meanJsonBytes   mean size of the events' Segment JSON
     * @param meanRecordBytes mean size of the Avro record values (the JSON plus the typed fields)
     * @param firstArrivalMs  record timestamp of the first event
     * @param lastArrivalMs   record timestamp of the last event
     * @param took            how long producing took
     * @param endOffsets      the topic's end offsets afterwards: what each application must consume
     */
    record Loaded(long events, double meanJsonBytes, double meanRecordBytes, long firstArrivalMs, long lastArrivalMs,
                  Duration took, Map<TopicPartition, Long> endOffsets) {
    }

    private InputLoader() {
    }

    static Loaded load(String bootstrap, Admin admin, String topic, Serializer<SegmentEvent> serializer,
                       VisitorTraffic traffic, int count) throws InterruptedException, ExecutionException {
        return load(bootstrap, admin, topic, serializer, traffic::next, count);
    }

    /** Produces the next {@code count} events of any generator. */
    static Loaded load(String bootstrap, Admin admin, String topic, Serializer<SegmentEvent> serializer,
                       Supplier<GeneratedEvent> events, int count) throws InterruptedException, ExecutionException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long jsonBytes = 0;
        long recordBytes = 0;
        long first = 0;
        long last = 0;
        long startedAt = System.nanoTime();
        try (var producer = new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                GeneratedEvent generated = events.get();
                byte[] value = serializer.serialize(topic, generated.event());
                jsonBytes += generated.event().getJson().getBytes(StandardCharsets.UTF_8).length;
                recordBytes += value.length;
                first = i == 0 ? generated.arrivalMs() : first;
                last = generated.arrivalMs();
                producer.send(new ProducerRecord<>(topic, null, generated.arrivalMs(), generated.key(), value),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Producing the input to " + topic + " failed: " + failure.get(), failure.get());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
        return new Loaded(count, (double) jsonBytes / count, (double) recordBytes / count, first, last, took,
                endOffsets(admin, topic));
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    static Properties producerConfig(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return props;
    }
}
