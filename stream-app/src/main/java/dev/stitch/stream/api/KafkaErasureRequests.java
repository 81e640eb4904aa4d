package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts a privacy request on the raw topic as Segment's own {@code delete} event, keyed by the userId,
 * so that it reaches the stream exactly as a deletion from Segment's webhook does.
 */
public final class KafkaErasureRequests implements ErasureRequests, AutoCloseable {

    private static final String SOURCE = "query-api";

    private final KafkaProducer<String, SegmentEvent> producer;
    private final String rawTopic;

    /** @param clientProperties where Kafka is and how to reach it (the KAFKA_ settings) */
    public KafkaErasureRequests(Properties clientProperties, Serializer<SegmentEvent> serializer, String rawTopic) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(5).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofSeconds(5).toMillis());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
        this.rawTopic = rawTopic;
    }

    @Override
    public CompletionStage<String> request(String userId) {
        String messageId = "erase-" + UUID.randomUUID();
        Instant now = Instant.now();
        ObjectNode json = SegmentEventParser.JSON.createObjectNode()
                .put("type", SegmentEventParser.DELETE).put("userId", userId).put("messageId", messageId)
                .put("receivedAt", now.toString());
        SegmentEvent delete = SegmentEventParser.parse(json, now, SOURCE);
        CompletableFuture<String> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(rawTopic, userId, delete), (metadata, error) -> {
                if (error == null) {
                    sent.complete(messageId);
                } else {
                    sent.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
