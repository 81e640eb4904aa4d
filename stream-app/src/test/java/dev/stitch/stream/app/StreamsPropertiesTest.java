package dev.stitch.stream.app;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What Kafka Streams itself makes of the application's configuration, for the settings a user may want to change. */
class StreamsPropertiesTest {

    @Test
    void producersCompressWithLz4UnlessAKafkaVariableChoosesAnother() {
        StreamsConfig defaults = new StreamsConfig(StreamsProperties.of("stitch", "kafka:9092", Path.of("state"), 1L << 20, Map.of()));
        StreamsConfig overridden = new StreamsConfig(StreamsProperties.of("stitch", "kafka:9092", Path.of("state"), 1L << 20,
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")));

        assertThat(defaults.getProducerConfigs("client").get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("lz4");
        assertThat(overridden.getProducerConfigs("client").get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("zstd");
        assertThat(defaults.getMainConsumerConfigs("group", "client", 0)).doesNotContainKey(ProducerConfig.COMPRESSION_TYPE_CONFIG);
    }
}
