package dev.stitch.stream.config;

import dev.stitch.config.EnvironmentReader;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {

    @Test
    void runsTheEmbeddedDefaultWhenNoBootstrapServersAreSet() {
        AppConfig config = AppConfig.fromEnvironment(Map.of());

        assertThat(config.embedded()).isTrue();
        assertThat(config.bootstrapOrEmbedded()).isEqualTo("localhost:9092");
        assertThat(config.registryOrEmbedded()).isEqualTo("http://localhost:8085");
        assertThat(config.dataDir()).isEqualTo(java.nio.file.Path.of("data").toAbsolutePath());
        assertThat(config.settings()).isEqualTo(StitchSettings.defaults());
    }

    @Test
    void readsTheStitchingSettings() {
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "SCHEMA_REGISTRY_URL", "http://registry:8081",
                "STITCH_REORDER_GRACE", "2s",
                "STITCH_DEDUP_WINDOW", "PT12H",
                "STITCH_HISTORY_RETENTION", "7d",
                "STITCH_HISTORY_MAX_EVENTS", "50",
                "STITCH_CONFLICT_POLICY", "first-wins",
                "STITCH_JUNK_IDS", "test, demo",
                "STITCH_ROCKSDB_MEMORY", "64mb",
                "STITCH_TOPIC_TIMELINE", "people.timeline"));

        assertThat(config.embedded()).isFalse();
        assertThat(config.settings().reorderGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.settings().dedupWindow()).isEqualTo(Duration.ofHours(12));
        assertThat(config.settings().historyRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.settings().historyMaxEventsPerId()).isEqualTo(50);
        assertThat(config.settings().conflictPolicy()).isEqualTo(ConflictPolicy.FIRST_WINS);
        assertThat(config.settings().junkIds().values()).containsExactlyInAnyOrder("test", "demo");
        assertThat(config.rocksDbMemoryBytes()).isEqualTo(64L << 20);
        assertThat(config.settings().topics().timeline()).isEqualTo("people.timeline");
    }

    @Test
    void passesKafkaPrefixedVariablesToTheClients() {
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "SCHEMA_REGISTRY_URL", "http://registry:8081",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN"));

        assertThat(config.clientOverrides()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    }

    @Test
    void namesEveryWrongVariableAtOnce() {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "STITCH_REORDER_GRACE", "soon",
                "STITCH_HISTORY_MAX_EVENTS", "0",
                "STITCH_CONFLICT_POLICY", "whoever")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SCHEMA_REGISTRY_URL is required with KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("STITCH_REORDER_GRACE=\"soon\" is not valid: expected a duration")
                .hasMessageContaining("STITCH_HISTORY_MAX_EVENTS=\"0\" is not valid: expected a whole number from 1")
                .hasMessageContaining("STITCH_CONFLICT_POLICY=\"whoever\" is not valid: expected one of latest-wins, first-wins");
    }

    @Test
    void acceptsEveryDurationForm() {
        var read = new EnvironmentReader(Map.of("A", "500ms", "B", "5s", "C", "2m", "D", "24h", "E", "30d", "F", "PT1.5S"));

        assertThat(List.of(read.duration("A", null), read.duration("B", null), read.duration("C", null),
                read.duration("D", null), read.duration("E", null), read.duration("F", null)))
                .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(2),
                        Duration.ofHours(24), Duration.ofDays(30), Duration.ofMillis(1500));
        read.check("configuration");
    }

    @Test
    void keepsWhatTheApplicationWritesUnderTheProducersMaxRequestSize() {
        assertThat(AppConfig.fromEnvironment(Map.of()).settings().limits())
                .isEqualTo(new RecordLimits(64 * 1024, 1024 * 1024 - 32 * 1024, dev.stitch.events.IdLimits.defaults()));

        RecordLimits limits = AppConfig.fromEnvironment(Map.of("KAFKA_MAX_REQUEST_SIZE", "262144", "STITCH_MAX_EVENT_BYTES", "8kb",
                "STITCH_MAX_ID_LENGTH", "64")).settings().limits();
        assertThat(limits.maxRecordBytes()).isEqualTo(256 * 1024 - 32 * 1024);
        assertThat(limits.maxEventBytes()).isEqualTo(8 * 1024);
        assertThat(limits.ids().maxLength()).isEqualTo(64);
    }

    @Test
    void refusesRecordLimitsThatKafkaOrTheStoresCouldNotHold() {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("STITCH_MAX_RECORD_BYTES", "2mb")))
                .hasMessageContaining("STITCH_MAX_RECORD_BYTES").hasMessageContaining("max.request.size");
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("STITCH_MAX_RECORD_BYTES", "100kb", "STITCH_MAX_EVENT_BYTES", "64kb")))
                .hasMessageContaining("STITCH_MAX_EVENT_BYTES");
    }
}
