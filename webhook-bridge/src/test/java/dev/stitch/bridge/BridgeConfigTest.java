package dev.stitch.bridge;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BridgeConfigTest {

    @Test
    void readsTheDefaultsWhenOnlyTheWriteKeysAreSet() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.of("STITCH_WRITE_KEYS", "wk-1"));

        assertThat(config.writeKeys()).containsExactly(WriteKey.server("wk-1"));
        assertThat(config.browserOrigins()).containsExactly("*");
        assertThat(config.idLimits().maxLength()).isEqualTo(256);
        assertThat(config.timestamps()).isEqualTo(new TimestampWindow(Duration.ofDays(30), Duration.ofDays(3650), Duration.ofMinutes(10)));
        assertThat(config.traffic()).isEqualTo(new TrafficLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), 1_000, 64L << 20, 50_000));
        assertThat(config.bootstrapServers()).isNull();
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.rawTopic()).isEqualTo("segment.raw");
        assertThat(config.signingSecret()).isNull();
        assertThat(config.limits()).isEqualTo(BridgeLimits.SEGMENT);
        assertThat(config.clientOverrides()).isEmpty();
    }

    @Test
    void readsEverySetting() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.entry("SCHEMA_REGISTRY_URL", "http://registry:8081"),
                Map.entry("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "user:secret"),
                Map.entry("STITCH_WRITE_KEYS", " wk-1, wk-2 ,,"),
                Map.entry("STITCH_BROWSER_KEYS", "pk-1"),
                Map.entry("STITCH_BROWSER_ORIGINS", "https://shop.example.com, https://www.example.com"),
                Map.entry("STITCH_MAX_ID_LENGTH", "64"),
                Map.entry("STITCH_TIMESTAMP_MAX_AGE", "7d"),
                Map.entry("STITCH_TIMESTAMP_MAX_IMPORT_AGE", "365d"),
                Map.entry("STITCH_TIMESTAMP_MAX_FUTURE", "1m"),
                Map.entry("STITCH_BRIDGE_IDLE_TIMEOUT", "20s"),
                Map.entry("STITCH_BRIDGE_REQUEST_TIMEOUT", "5s"),
                Map.entry("STITCH_BRIDGE_MAX_CONNECTIONS", "200"),
                Map.entry("STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT", "16mb"),
                Map.entry("STITCH_BRIDGE_MAX_QUEUED_EVENTS", "10000"),
                Map.entry("STITCH_BRIDGE_HOST", "127.0.0.1"),
                Map.entry("STITCH_BRIDGE_PORT", "9000"),
                Map.entry("STITCH_BRIDGE_SIGNING_SECRET", "shh"),
                Map.entry("STITCH_BRIDGE_PUBLISH_TIMEOUT", "2500ms"),
                Map.entry("STITCH_BRIDGE_RETRY_AFTER", "PT10S"),
                Map.entry("STITCH_TOPIC_RAW", "events.raw"),
                Map.entry("STITCH_JUNK_IDS", "test")));

        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(config.registryUserInfo()).isEqualTo("user:secret");
        assertThat(config.writeKeys()).containsExactly(WriteKey.server("wk-1"), WriteKey.server("wk-2"), WriteKey.browser("pk-1"));
        assertThat(config.keys(KeyKind.BROWSER)).containsExactly("pk-1");
        assertThat(config.browserOrigins()).containsExactly("https://shop.example.com", "https://www.example.com");
        assertThat(config.idLimits().maxLength()).isEqualTo(64);
        assertThat(config.timestamps()).isEqualTo(new TimestampWindow(Duration.ofDays(7), Duration.ofDays(365), Duration.ofMinutes(1)));
        assertThat(config.traffic()).isEqualTo(new TrafficLimits(Duration.ofSeconds(20), Duration.ofSeconds(5), 200, 16L << 20, 10_000));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.signingSecret()).isEqualTo("shh");
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.rawTopic()).isEqualTo("events.raw");
        assertThat(config.junkIds().values()).containsExactly("test");
    }

    @Test
    void passesKafkaPrefixedVariablesToTheProducer() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.of(
                "STITCH_WRITE_KEYS", "wk-1",
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "SCHEMA_REGISTRY_URL", "mock://test",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN"));

        assertThat(config.clientOverrides()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
        assertThat(KafkaEventPublisher.producerConfig("kafka:9093", config.publishTimeout(), config.clientOverrides()))
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(KafkaEventPublisher.adminConfig("kafka:9093", config.publishTimeout(), config.clientOverrides()))
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void namesEveryWrongVariableAtOnce() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "STITCH_BRIDGE_PORT", "eighty",
                "STITCH_BRIDGE_PUBLISH_TIMEOUT", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STITCH_WRITE_KEYS (server keys, secret) or STITCH_BROWSER_KEYS (browser keys, public) is required")
                .hasMessageContaining("SCHEMA_REGISTRY_URL is required with KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("STITCH_BRIDGE_PORT=\"eighty\" is not valid: expected a whole number from 0 to 65535")
                .hasMessageContaining("STITCH_BRIDGE_PUBLISH_TIMEOUT=\"soon\" is not valid: expected a duration");
    }

    @Test
    void refusesAPublishTimeoutOutOfRange() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of("STITCH_WRITE_KEYS", "wk-1", "STITCH_BRIDGE_PUBLISH_TIMEOUT", "10ms")))
                .hasMessageContaining("STITCH_BRIDGE_PUBLISH_TIMEOUT=\"10ms\" is not valid: expected a duration from 100ms to 60000ms");
    }

    @Test
    void refusesAnEmptyListOfWriteKeys() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of("STITCH_WRITE_KEYS", " , ")))
                .hasMessageContaining("STITCH_WRITE_KEYS (server keys, secret) or STITCH_BROWSER_KEYS (browser keys, public) is required");
        assertThatThrownBy(() -> BridgeConfig.defaults(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsBrowserKeysAlone() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.of("STITCH_BROWSER_KEYS", "pk-1"));

        assertThat(config.writeKeys()).containsExactly(WriteKey.browser("pk-1"));
    }

    @Test
    void refusesAKeyThatIsBothAServerAndABrowserKey() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of("STITCH_WRITE_KEYS", "wk-1", "STITCH_BROWSER_KEYS", "wk-1")))
                .hasMessageContaining("each key is either a server or a browser key");
    }

    @Test
    void refusesAnImportAgeShorterThanTheLiveAge() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of("STITCH_WRITE_KEYS", "wk-1",
                "STITCH_TIMESTAMP_MAX_AGE", "90d", "STITCH_TIMESTAMP_MAX_IMPORT_AGE", "30d")))
                .hasMessageContaining("STITCH_TIMESTAMP_MAX_IMPORT_AGE must be at least STITCH_TIMESTAMP_MAX_AGE");
    }

    @Test
    void keepsItsSecretsOutOfItsDescription() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.of(
                "STITCH_WRITE_KEYS", "wk-secret-1", "STITCH_BROWSER_KEYS", "pk-secret-1", "STITCH_BRIDGE_SIGNING_SECRET", "shh-secret",
                "KAFKA_SASL_JAAS_CONFIG", "password=\"kafka-secret\""));

        assertThat(config.toString()).doesNotContain("wk-secret-1", "pk-secret-1", "shh-secret", "kafka-secret");
    }
}
