package dev.stitch.launcher;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Prints one user's records from the timeline topic, one line each, as committed so far: it reads
 * the one partition the user's key maps to, from the beginning to its current end.
 */
@Command(name = "timeline", mixinStandardHelpOptions = true, description = "Print a user's stitched timeline from the timeline topic.")
final class TimelineCommand implements Callable<Integer> {

    @ParentCommand
    private Launcher launcher;

    private static final String LINE_FORMAT = "%-5s %-24s %-9s %-24s %-38s %-8s %s%n";

    @Parameters(paramLabel = "USER_ID", description = "The canonical userId.")
    private String userId;

    @Override
    public Integer call() {
        AppConfig config = launcher.configuration();
        if (config == null) {
            return 2;
        }
        if (!KafkaReachability.check(config, launcher.err())) {
            return 1;
        }
        String topic = config.settings().topics().timeline();
        var registry = SchemaRegistries.connect(config.registryOrEmbedded(), config.registryUserInfo());
        try (var consumer = new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, registry).deserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (partitions == null || partitions.isEmpty()) {
                launcher.err().println("stitch: topic " + topic + " does not exist at " + config.bootstrapOrEmbedded());
                return 1;
            }
            // The producer's default partitioning, which Kafka Streams' sink uses too.
            int partition = Utils.toPositive(Utils.murmur2(userId.getBytes(StandardCharsets.UTF_8))) % partitions.size();
            TopicPartition assigned = new TopicPartition(topic, partition);
            consumer.assign(List.of(assigned));
            consumer.seekToBeginning(List.of(assigned));
            long end = consumer.endOffsets(List.of(assigned)).get(assigned);
            int printed = 0;
            launcher.out().printf(LINE_FORMAT, "seq", "event time", "type", "event or page name", "messageId", "stitched", "late");
            while (consumer.position(assigned) < end) {
                for (ConsumerRecord<String, TimelineEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    if (userId.equals(record.key())) {
                        print(record.value());
                        printed++;
                    }
                }
            }
            if (printed == 0) {
                launcher.out().println(UserStatus.ofUserWithoutRecords(config, userId, topic));
            }
        }
        return 0;
    }

    private void print(TimelineEvent record) {
        SegmentEvent event = record.getEvent();
        String label = event.getEvent() != null ? event.getEvent() : event.getName() != null ? event.getName() : "";
        launcher.out().printf(LINE_FORMAT, record.getSequence(), event.getTimestamp(), event.getType(), label,
                event.getMessageId(), yesNo(record.getStitched()), yesNo(record.getLate()));
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static Properties consumerProperties(AppConfig config) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

}
