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
        assertThat(producer(Map.of()).get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("lz4");
        assertThat(producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")).get(ProducerConfig.COMPRESSION_TYPE_CONFIG))
                .isEqualTo("zstd");
        assertThat(streams(Map.of()).getMainConsumerConfigs("group", "client", 0)).doesNotContainKey(ProducerConfig.COMPRESSION_TYPE_CONFIG);
    }

    /** Kafka Streams lingers 100 ms, and the commit flushes every batch: the batch size decides how many batches a commit sends. */
    @Test
    void producersFillBatchesOf256KbUntilTheCommitUnlessAKafkaVariableChoosesAnotherSize() {
        assertThat(producer(Map.of()).get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("262144");
        assertThat(producer(Map.of()).get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("100");
        assertThat(producer(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, "16384")).get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("16384");
    }

    private static StreamsConfig streams(Map<String, String> clientOverrides) {
        return new StreamsConfig(StreamsProperties.of("stitch", "kafka:9092", Path.of("state"), 1L << 20, clientOverrides));
    }

    private static Map<String, Object> producer(Map<String, String> clientOverrides) {
        return streams(clientOverrides).getProducerConfigs("client");
    }
}
