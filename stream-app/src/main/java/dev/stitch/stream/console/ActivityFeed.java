package dev.stitch.stream.console;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.TimelineEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Feeds an {@link ActivityRing} from the output topics: one {@code read_committed} consumer per
 * instance, in no consumer group, assigned every partition of stitch.timeline, stitch.anonymous and
 * stitch.identity-changes, so that any instance lists all activity by itself. At start each partition
 * is read from a bounded number of records before its end; partitions that appear later are read
 * from their beginning.
 */
public final class ActivityFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActivityFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** How often the topics' partitions are looked up again: topics may be created, or grow, after the start. */
    private static final long DISCOVERY_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** The topics read, and how many records before each partition's end the first reading starts. */
    public record Topics(String timeline, String anonymous, String identityChanges, int eventBacklog, int changeBacklog) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Deserializer<TimelineEvent> events;
    private final Deserializer<IdentityChange> changes;
    private final ActivityRing ring;
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private long discoveredAt;
    private boolean firstAssignment = true;
    private volatile boolean running = true;

    private ActivityFeed(Properties clientProperties, Topics topics, Deserializer<TimelineEvent> events,
                         Deserializer<IdentityChange> changes, ActivityRing ring) {
        Properties props = new Properties();
        clientProperties.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key.toString())) {
                props.put(key, value);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Looking a topic up must not create it: the application creates its topics, with their settings.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "stitch-console-activity");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.events = events;
        this.changes = changes;
        this.ring = ring;
        this.thread = new Thread(this::run, "stitch-console-activity");
        this.thread.setDaemon(true);
    }

    /** Starts reading on a thread of its own; returns at once. {@code clientProperties} must name the bootstrap servers. */
    public static ActivityFeed start(Properties clientProperties, Topics topics, Deserializer<TimelineEvent> events,
                                     Deserializer<IdentityChange> changes, ActivityRing ring) {
        ActivityFeed feed = new ActivityFeed(clientProperties, topics, events, changes, ring);
        feed.thread.start();
        return feed;
    }

    private void run() {
        try {
            while (running) {
                if (System.nanoTime() - discoveredAt >= DISCOVERY_INTERVAL_NANOS || assigned.isEmpty()) {
                    discover();
                }
                if (assigned.isEmpty()) {
                    // No topic exists yet, and poll() needs an assignment: look again shortly.
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    take(record);
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() asked the feed to stop
        } catch (RuntimeException e) {
            log.error("The console's activity feed stopped: {}. Events Activity shows no new events until the application "
                    + "restarts; check that Kafka answers and the output topics can be read.", e.getMessage(), e);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /** Assigns partitions not assigned yet: the backlog before the end at the first assignment, else from the beginning. */
    private void discover() {
        discoveredAt = System.nanoTime();
        List<TopicPartition> found = new ArrayList<>();
        for (String topic : List.of(topics.timeline(), topics.anonymous(), topics.identityChanges())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions != null) {
                partitions.forEach(info -> found.add(new TopicPartition(topic, info.partition())));
            }
        }
        found.removeAll(assigned);
        if (found.isEmpty()) {
            return;
        }
        assigned.addAll(found);
        consumer.assign(assigned);
        Map<TopicPartition, Long> ends = consumer.endOffsets(found);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(found);
        for (TopicPartition partition : found) {
            int backlog = partition.topic().equals(topics.identityChanges()) ? topics.changeBacklog() : topics.eventBacklog();
            long start = firstAssignment ? Math.max(beginnings.get(partition), ends.get(partition) - backlog) : beginnings.get(partition);
            consumer.seek(partition, start);
        }
        firstAssignment = false;
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(topics.identityChanges())) {
                takeChange(record);
            } else if (record.value() != null) {
                ring.add(ActivityEvent.of(events.deserialize(record.topic(), record.value()), record.topic().equals(topics.anonymous())));
            }
        } catch (RuntimeException e) {
            log.debug("The activity feed skips record {}-{}@{}, which it cannot read: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /** An ERASED change, and the tombstone that follows an erased id's last change, remove the id's events. */
    private void takeChange(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                ring.erase(new String(record.key(), StandardCharsets.UTF_8), null, record.timestamp());
            }
            return;
        }
        IdentityChange change = changes.deserialize(record.topic(), record.value());
        if (change.getKind() == ChangeKind.ERASED) {
            ring.erase(change.getId(), change.getPreviousUserId(), change.getTimestamp().toEpochMilli());
        }
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
