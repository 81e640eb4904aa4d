package dev.stitch.stream.app;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.topology.SegmentEvents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real broker, with exactly_once_v2: a profile that grows past what the producer may send (a
 * small {@code max.request.size}, as a 1 MB profile would pass the default) never reaches Kafka; its
 * changelog write goes to the dead-letter topic instead, the application keeps running and
 * stitching, and starting it again on the same data brings it back to RUNNING.
 */
class OversizedRecordIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final SingleBroker kafka = new SingleBroker();

    private Map<String, String> env() {
        return kafka.env("oversized-it-", Map.of(
                // Records of at most 96 KB reach Kafka: the application keeps what it writes under 64 KB.
                "KAFKA_MAX_REQUEST_SIZE", Integer.toString(96 * 1024),
                "STITCH_MAX_EVENT_BYTES", "16kb",
                // Profiles as large as their bounds allow, so that one outgrows what Kafka takes here.
                "STITCH_PROFILE_MAX_TRAITS", "10000",
                "STITCH_PROFILE_MAX_TRAIT_BYTES", "256kb",
                "KAFKA_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
    }

    @Test
    void aProfileLargerThanKafkaTakesIsADeadLetterAndTheApplicationKeepsRunningAcrossARestart() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env());
        assertThat(config.settings().limits().maxRecordBytes()).isEqualTo(64 * 1024);
        var topics = config.settings().topics();
        // Forty identifies of one user, each within the event limit and each adding a hundred new traits.
        List<SegmentEvent> identifies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            identifies.add(SegmentEvents.identifyWithTraits("big-" + i, "big-user", null, traits(i), at(i)));
        }
        try (var first = kafka.start(config)) {
            assertThat(first.awaitRunning(WAIT)).isTrue();
            kafka.produce(config, identifies);
            kafka.produce(config, List.of(SegmentEvents.track("after-1", "other-user", null, "Signed Up", at(50))));

            awaitTimelineOf(config, "after-1");
            List<ConsumerRecord<byte[], byte[]>> letters = TestClients.readUntil(kafka.bootstrapServers(), topics.deadLetters(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), read -> !read.isEmpty(), WAIT);
            assertThat(letters).allSatisfy(letter -> {
                assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.CODE)).isEqualTo("record-too-large");
                assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).contains("STITCH_MAX_RECORD_BYTES");
            });
            assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }

        try (var second = kafka.start(config)) {
            assertThat(second.awaitRunning(WAIT)).isTrue();
            kafka.produce(config, List.of(SegmentEvents.identifyWithTraits("big-40", "big-user", null, traits(40), at(60)),
                    SegmentEvents.track("after-2", "other-user", null, "Came Back", at(61))));

            awaitTimelineOf(config, "after-2");
            assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** A hundred traits of a hundred characters, named for the event: about 10 KB, all new to the profile. */
    private static String traits(int event) {
        StringBuilder json = new StringBuilder("{");
        for (int t = 0; t < 100; t++) {
            json.append(t == 0 ? "" : ",").append("\"trait-").append(event).append('-').append(t).append("\":\"")
                    .append("v".repeat(100)).append('"');
        }
        return json.append('}').toString();
    }

    private static Instant at(int seconds) {
        return SegmentEvents.T0.plusSeconds(seconds);
    }

    private void awaitTimelineOf(AppConfig config, String messageId) {
        TestClients.readUntil(kafka.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                kafka.timelineDeserializer(),
                read -> read.stream().anyMatch(r -> r.value().getEvent().getMessageId().equals(messageId)), WAIT);
    }
}
