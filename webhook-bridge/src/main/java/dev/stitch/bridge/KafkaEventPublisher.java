package dev.stitch.bridge;

import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes accepted events to the raw topic with an idempotent {@code acks=all} producer, keyed by
 * their routing key (anonymous id, else userId), so the identity stage reads them without a
 * repartition, and timestamped with the bridge's own clock when the request arrived, never a client's
 * (Kafka refuses records too far from the broker's clock, failing whole batches of other requests). Events without any usable id go out without a key; the stream application sends
 * them to its dead-letter topic.
 *
 * <p>{@link KafkaProducer#send} may block (for metadata while a broker is away, for buffer space, for
 * the first registration of the schema), so sends run on one sender thread of this publisher, never
 * on the bridge's event loop. Acknowledgements arrive on the producer's own I/O thread. Every timeout
 * of the producer is derived from the publish timeout, so a record that was not acknowledged in time
 * has also stopped being retried by the time the bridge answers 503, or soon after.
 */
public final class KafkaEventPublisher implements EventPublisher {

    /** A small linger: requests of many clients share a produce request without making anyone wait. */
    static final int LINGER_MS = 5;

    private final Producer<String, SegmentEvent> producer;
    private final Admin admin;
    private final String topic;
    private final JunkIds junk;
    private final Duration publishTimeout;
    private final ExecutorService sender;
    private final Object readinessLock = new Object();
    private CompletableFuture<Void> readinessCheck;

    KafkaEventPublisher(Producer<String, SegmentEvent> producer, Admin admin, String topic, JunkIds junk, Duration publishTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.junk = Objects.requireNonNull(junk, "junk");
        this.publishTimeout = Objects.requireNonNull(publishTimeout, "publishTimeout");
        this.sender = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "bridge-kafka-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A publisher to {@code config.rawTopic()} on the given Kafka, with the producer timeouts derived
     * from {@code config.publishTimeout()} and the {@code KAFKA_*} overrides applied last.
     */
    public static KafkaEventPublisher create(BridgeConfig config, String bootstrapServers, SchemaRegistry registry) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Map<String, Object> producerConfig = producerConfig(bootstrapServers, config.publishTimeout(), config.clientOverrides());
        KafkaProducer<String, SegmentEvent> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new AvroSerde<>(SegmentEvent.class, registry).serializer());
        Admin admin;
        try {
            admin = Admin.create(adminConfig(bootstrapServers, config.publishTimeout(), config.clientOverrides()));
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new KafkaEventPublisher(producer, admin, config.rawTopic(), config.junkIds(), config.publishTimeout());
    }

    /**
     * acks=all and idempotence, so an acknowledged event is on every in-sync replica exactly once;
     * {@code max.block.ms} and {@code delivery.timeout.ms} equal to the publish timeout, and
     * {@code request.timeout.ms} within it, as Kafka requires ({@code delivery >= linger + request});
     * lz4, since every record is a Segment event's JSON.
     */
    static Map<String, Object> producerConfig(String bootstrapServers, Duration publishTimeout, Map<String, String> overrides) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, publishTimeout.toMillis());
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "stitch-bridge");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, timeoutMs - LINGER_MS));
        props.putAll(overrides);
        return props;
    }

    /** For the readiness check: the security settings of the overrides, nothing producer-specific. */
    static Map<String, Object> adminConfig(String bootstrapServers, Duration publishTimeout, Map<String, String> overrides) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, publishTimeout.toMillis());
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "stitch-bridge-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        overrides.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name) && !name.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                props.put(name, value);
            }
        });
        return props;
    }

    @Override
    public CompletionStage<Void> publish(List<SegmentEvent> events, Instant receivedAt) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        long deadline = System.nanoTime() + publishTimeout.toNanos();
        try {
            sender.execute(() -> send(events, receivedAt.toEpochMilli(), deadline, acknowledged));
        } catch (RejectedExecutionException e) {
            acknowledged.completeExceptionally(new IllegalStateException("the Kafka publisher is closed", e));
        }
        return acknowledged;
    }

    private void send(List<SegmentEvent> events, long timestamp, long deadline, CompletableFuture<Void> acknowledged) {
        if (System.nanoTime() - deadline > 0) {
            // The request was answered 503 while this send waited behind a blocked one: do not send it late.
            acknowledged.completeExceptionally(new TimeoutException(
                    "the events waited longer than " + publishTimeout.toMillis() + " ms to be sent to Kafka"));
            return;
        }
        AtomicInteger pending = new AtomicInteger(events.size());
        for (SegmentEvent event : events) {
            String key = EventIds.of(event, junk).routingKey();
            try {
                producer.send(new ProducerRecord<>(topic, null, timestamp, key, event), (metadata, error) -> {
                    if (error != null) {
                        acknowledged.completeExceptionally(error);
                    } else if (pending.decrementAndGet() == 0) {
                        acknowledged.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                acknowledged.completeExceptionally(e);
                return;
            }
        }
    }

    /**
     * Ready when the raw topic exists and each of its partitions has a leader: one metadata request,
     * shared by the checks that arrive while it runs.
     */
    @Override
    public CompletionStage<Void> checkReady() {
        synchronized (readinessLock) {
            if (readinessCheck != null && !readinessCheck.isDone()) {
                return readinessCheck;
            }
            int timeoutMs = (int) Math.min(Integer.MAX_VALUE, publishTimeout.toMillis());
            CompletableFuture<Void> check = new CompletableFuture<>();
            try {
                admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                        .allTopicNames()
                        .whenComplete((descriptions, error) -> {
                            if (error != null) {
                                check.completeExceptionally(notReady(error));
                            } else {
                                TopicDescription description = descriptions.get(topic);
                                boolean led = description.partitions().stream()
                                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                                if (led) {
                                    check.complete(null);
                                } else {
                                    check.completeExceptionally(new IllegalStateException(
                                            "a partition of " + topic + " has no leader"));
                                }
                            }
                        });
            } catch (RuntimeException e) {
                check.completeExceptionally(notReady(e));
            }
            readinessCheck = check;
            return check;
        }
    }

    private Throwable notReady(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new IllegalStateException("the topic " + topic + " does not exist", cause);
        }
        return new IllegalStateException("Kafka does not answer: " + cause.getMessage(), cause);
    }

    /** Waits for what was sent to be acknowledged (bounded), then closes the producer and the admin client. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(publishTimeout);
        admin.close(Duration.ofSeconds(1));
    }
}
