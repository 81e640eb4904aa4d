package dev.stitch.benchmark;

import dev.stitch.schema.TimelineEvent;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads {@code stitch.timeline} as a downstream service would (read_committed, from the start) while
 * the soak runs, and keeps what the report needs: every messageId seen and how often, each user's
 * sequence gaps, and for events that carried a userId (routed straight to their user, not held as
 * anonymous history) the time from the bridge's acknowledgement to the record's arrival here, by
 * minute of acknowledgement.
 */
final class TimelineAudit implements AutoCloseable {

    private final KafkaConsumer<String, TimelineEvent> consumer;
    private final Map<String, Long> ackedAtNanos;
    private final long startedAtNanos;
    private final Thread reader;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> lastSequence = new HashMap<>();
    private final TreeMap<Integer, Histogram> latencyByMinute = new TreeMap<>();
    private long records;
    private long duplicates;
    private long sequenceGaps;
    private volatile RuntimeException failure;

    TimelineAudit(String bootstrap, String topic, Deserializer<TimelineEvent> values, Map<String, Long> ackedAtNanos,
                  long startedAtNanos) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
        this.ackedAtNanos = ackedAtNanos;
        this.startedAtNanos = startedAtNanos;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "soak-timeline-audit");
        reader.start();
    }

    private void read() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, TimelineEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    take(record.key(), record.value(), System.nanoTime());
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private synchronized void take(String user, TimelineEvent event, long arrivedAtNanos) {
        records++;
        String messageId = event.getEvent().getMessageId();
        if (!seen.add(messageId)) {
            duplicates++;
        }
        long expected = lastSequence.getOrDefault(user, 0L) + 1;
        if (event.getSequence() != expected) {
            sequenceGaps++;
        }
        lastSequence.put(user, Math.max(expected - 1, event.getSequence()));
        Long ackedAt = ackedAtNanos.get(messageId);
        if (ackedAt != null && event.getEvent().getUserId() != null) {
            int minute = (int) ((ackedAt - startedAtNanos) / 60_000_000_000L);
            latencyByMinute.computeIfAbsent(minute, m -> new Histogram(3_600_000L, 3))
                    .recordValue(Math.max(0, (arrivedAtNanos - ackedAt) / 1_000_000));
        }
    }

    synchronized long records() {
        requireReading();
        return records;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long sequenceGaps() {
        return sequenceGaps;
    }

    synchronized boolean saw(String messageId) {
        return seen.contains(messageId);
    }

    /** Milliseconds from acknowledgement to timeline, per minute of the run. */
    synchronized Map<Integer, Histogram> latencyByMinute() {
        Map<Integer, Histogram> copy = new TreeMap<>();
        latencyByMinute.forEach((minute, histogram) -> copy.put(minute, histogram.copy()));
        return copy;
    }

    private void requireReading() {
        if (failure != null) {
            throw new IllegalStateException("Reading the timeline failed: " + failure, failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        reader.join(10_000);
    }
}
