package dev.stitch.stream.config;

import dev.stitch.stream.app.StitchApplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryConfigTest {

    private static final Map<String, String> EXTERNAL = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
            "SCHEMA_REGISTRY_URL", "http://registry:8081");

    @Test
    void embeddedDefaultRejoinsUnderAFixedNameAndKeepsItsStateThroughACrash() {
        AppConfig config = AppConfig.fromEnvironment(Map.of());

        assertThat(config.recovery()).isEqualTo(new RecoveryConfig(RecoveryConfig.EMBEDDED_INSTANCE_NAME,
                GroupProtocol.CLASSIC, true, false));
        Properties props = StitchApplication.streamsProperties(config, config.bootstrapOrEmbedded());
        assertThat(props).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "stitch-embedded")
                .containsEntry(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "true");
    }

    @Test
    void anInstanceWithoutANameIsADynamicMemberThatLeavesOnStop() {
        AppConfig config = AppConfig.fromEnvironment(EXTERNAL);

        assertThat(config.recovery().instanceName()).isNull();
        assertThat(config.recovery().leaveGroupOnStop()).isTrue();
        assertThat(StitchApplication.streamsProperties(config, "kafka:9092"))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void aNamedInstanceIsAStaticMemberThatStaysInTheGroupOnStop() {
        AppConfig config = AppConfig.fromEnvironment(with(EXTERNAL, "STITCH_INSTANCE_NAME", "stitch-stream-2"));

        assertThat(config.recovery().leaveGroupOnStop()).isFalse();
        assertThat(StitchApplication.streamsProperties(config, "kafka:9092"))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "stitch-stream-2");
    }

    @Test
    void noneTurnsStaticMembershipOffEvenInTheEmbeddedDefault() {
        AppConfig config = AppConfig.fromEnvironment(Map.of("STITCH_INSTANCE_NAME", "None"));

        assertThat(config.recovery().instanceName()).isNull();
        assertThat(config.recovery().leaveGroupOnStop()).isTrue();
    }

    @Test
    void readsTheProtocolTheStateAndTheStop() {
        Map<String, String> env = with(with(with(with(EXTERNAL, "STITCH_INSTANCE_NAME", "a"),
                "STITCH_GROUP_PROTOCOL", "streams"), "STITCH_TRANSACTIONAL_STATE", "false"),
                "STITCH_LEAVE_GROUP_ON_STOP", "true");

        assertThat(AppConfig.fromEnvironment(env).recovery())
                .isEqualTo(new RecoveryConfig("a", GroupProtocol.STREAMS, false, true));
    }

    @Test
    void aKafkaVariableWinsOverTheSetting() {
        AppConfig config = AppConfig.fromEnvironment(with(with(EXTERNAL, "STITCH_INSTANCE_NAME", "a"),
                "KAFKA_GROUP_INSTANCE_ID", "chosen-by-hand"));

        assertThat(StitchApplication.streamsProperties(config, "kafka:9092"))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "chosen-by-hand");
    }

    @Test
    void refusesANameKafkaWouldRefuse() {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(with(with(EXTERNAL, "STITCH_INSTANCE_NAME", "pod 0/x"),
                "STITCH_GROUP_PROTOCOL", "consumer")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STITCH_INSTANCE_NAME=\"pod 0/x\" is not valid: expected 1 to 200 letters, digits")
                .hasMessageContaining("STITCH_GROUP_PROTOCOL=\"consumer\" is not valid: expected one of classic, streams");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return more;
    }
}
