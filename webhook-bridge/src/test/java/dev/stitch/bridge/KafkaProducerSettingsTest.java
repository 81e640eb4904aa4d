package dev.stitch.bridge;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaProducerSettingsTest {

    @Test
    void producesIdempotentlyWithAcksAllAndCompressed() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig("kafka:9092", Duration.ofSeconds(3), Map.of());

        assertThat(config).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
        assertThat((int) config.get(ProducerConfig.LINGER_MS_CONFIG)).isBetween(0, 20);
    }

    @Test
    void givesUpWithinThePublishTimeoutAsKafkaRequiresItsTimeoutsToFit() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig("kafka:9092", Duration.ofSeconds(3), Map.of());

        int linger = (int) config.get(ProducerConfig.LINGER_MS_CONFIG);
        int request = (int) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        int delivery = (int) config.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        assertThat(config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isEqualTo(3_000);
        assertThat(delivery).isEqualTo(3_000).isGreaterThanOrEqualTo(linger + request);
        // The producer itself accepts them (it refuses delivery.timeout.ms < linger.ms + request.timeout.ms).
        assertThat(new ProducerConfig(withSerializers(config)).getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(3_000);
    }

    @Test
    void letsKafkaPrefixedOverridesWin() {
        Map<String, Object> config = KafkaEventPublisher.producerConfig("kafka:9092", Duration.ofSeconds(3),
                Map.of("compression.type", "zstd", "linger.ms", "20"));

        assertThat(config).containsEntry("compression.type", "zstd").containsEntry("linger.ms", "20");
    }

    @Test
    void givesTheReadinessCheckOnlyAdminSettings() {
        Map<String, Object> config = KafkaEventPublisher.adminConfig("kafka:9092", Duration.ofSeconds(3),
                Map.of("compression.type", "zstd", "sasl.mechanism", "PLAIN"));

        assertThat(config).containsEntry("sasl.mechanism", "PLAIN").doesNotContainKey("compression.type");
    }

    private static Map<String, Object> withSerializers(Map<String, Object> config) {
        var all = new java.util.HashMap<>(config);
        all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return all;
    }
}
