package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures end-to-end latency through a running application: produces a steady stream of new
 * events at a fixed rate, each stamped with the wall-clock time it was sent, and reads the output
 * topics as a read_committed consumer. Per output record, latency = time received - record
 * timestamp; Kafka Streams carries the input record's timestamp to the records it causes. That is
 * checked here: an output record that is not stitched history must carry exactly the send time of
 * its own event (stitched history carries the time of the event that linked it).
 */
final class LatencyProbe {

    private static final long MAX_LATENCY_MS = TimeUnit.MINUTES.toMillis(10);

    /** Latencies seen on one output topic. */
    static final class TopicLatency {
        final Histogram millis = new Histogram(MAX_LATENCY_MS, 3);
        final AtomicLong received = new AtomicLong();
        long stitched;
        long timestampChecked;
        long timestampMismatches;
    }

    /**
     * @param sent       events produced
     * @param sendRate   events/s actually achieved
     * @param byTopic    what each output topic delivered
     */
    record Measured(int sent, double sendRate, Map<String, TopicLatency> byTopic) {
    }

    private final String bootstrap;
    private final Serializer<SegmentEvent> serializer;
    private final Deserializer<TimelineEvent> deserializer;

    LatencyProbe(String bootstrap, Serializer<SegmentEvent> serializer, Deserializer<TimelineEvent> deserializer) {
        this.bootstrap = bootstrap;
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    /**
     * @param expected  records each output topic should deliver for these events; the probe waits
     *                  for them up to {@code waitAfter} past the last send
     */
    Measured run(String inputTopic, List<GeneratedEvent> events, int ratePerSecond, Map<String, Long> expected,
                 Duration waitAfter) throws InterruptedException {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, TopicLatency> byTopic = new LinkedHashMap<>();
        expected.keySet().forEach(topic -> byTopic.put(topic, new TopicLatency()));
        CountDownLatch listening = new CountDownLatch(1);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                read(byTopic, sentAt, listening, stop);
            } catch (Throwable e) {
                readFailure.set(e);
                listening.countDown();
            }
        }, "latency-probe-reader");
        reader.start();
        listening.await();

        long startedAt = System.nanoTime();
        send(inputTopic, events, ratePerSecond, sentAt);
        double sendRate = events.size() / ((System.nanoTime() - startedAt) / 1e9);

        long deadline = System.nanoTime() + waitAfter.toNanos();
        while (System.nanoTime() < deadline && readFailure.get() == null
                && expected.entrySet().stream().anyMatch(e -> byTopic.get(e.getKey()).received.get() < e.getValue())) {
            Thread.sleep(50);
        }
        stop.set(true);
        reader.join();
        if (readFailure.get() != null) {
            throw new IllegalStateException("Reading the output topics failed: " + readFailure.get(), readFailure.get());
        }
        return new Measured(events.size(), sendRate, byTopic);
    }

    /** Sends each event at its slot of a fixed schedule, so a slow moment does not bunch the rest up. */
    private void send(String topic, List<GeneratedEvent> events, int ratePerSecond, Map<String, Long> sentAt) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long intervalNanos = 1_000_000_000L / ratePerSecond;
        try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), serializer)) {
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                long wait = start + i * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                GeneratedEvent generated = events.get(i);
                long now = System.currentTimeMillis();
                sentAt.put(generated.event().getMessageId(), now);
                producer.send(new ProducerRecord<>(topic, null, now, generated.key(), generated.event()), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Producing the latency phase's events failed: " + failure.get(), failure.get());
        }
    }

    private void read(Map<String, TopicLatency> byTopic, Map<String, Long> sentAt, CountDownLatch listening,
                      AtomicBoolean stop) {
        try (var consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = byTopic.keySet().stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            listening.countDown();
            while (!stop.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                // One receive time for the whole batch, taken before any decoding.
                long receivedAt = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TimelineEvent value = deserializer.deserialize(record.topic(), record.headers(), record.value());
                    Long sent = sentAt.get(value.getEvent().getMessageId());
                    if (sent == null) {
                        continue;
                    }
                    TopicLatency latency = byTopic.get(record.topic());
                    latency.millis.recordValue(Math.min(MAX_LATENCY_MS, Math.max(0, receivedAt - record.timestamp())));
                    latency.received.incrementAndGet();
                    if (value.getStitched()) {
                        latency.stitched++;
                    } else {
                        latency.timestampChecked++;
                        if (record.timestamp() != sent) {
                            latency.timestampMismatches++;
                        }
                    }
                }
            }
        }
    }

    private Properties producerConfig() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Send at once: the probe should add as little as it can to what it measures.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    private Properties consumerConfig() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Ask again soon when nothing is committed yet, rather than after the default 500 ms.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        return props;
    }
}
