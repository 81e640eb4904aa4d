package dev.stitch.launcher;

import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.errors.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Prints the newest records of the dead-letter topic with why each was refused and where it came
 * from: the records the application could not use, which it never silently drops.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Print the newest records of the dead-letter topic, with the reason each was refused.")
final class DeadLettersCommand implements Callable<Integer> {

    private static final String LINE_FORMAT = "%-24s %-28s %-28s %s%n";
    private static final int SHOWN_KEY_CHARS = 40;

    @ParentCommand
    private Launcher launcher;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "How many of the newest records to print (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Override
    public Integer call() {
        AppConfig config = launcher.configuration();
        if (config == null) {
            return 2;
        }
        if (limit < 1) {
            launcher.err().println("stitch: --limit must be at least 1");
            return 2;
        }
        if (!KafkaReachability.check(config, launcher.err())) {
            return 1;
        }
        String topic = config.settings().topics().deadLetters();
        List<ConsumerRecord<byte[], byte[]>> newest = readNewest(config, topic);
        if (newest.isEmpty()) {
            launcher.out().println("(no dead letters on " + topic + ")");
            return 0;
        }
        launcher.out().printf(LINE_FORMAT, "time", "code", "from", "key");
        for (ConsumerRecord<byte[], byte[]> record : newest) {
            launcher.out().printf(LINE_FORMAT, Instant.ofEpochMilli(record.timestamp()), orDash(DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.CODE)),
                    source(record), shown(record.key()));
            String reason = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.REASON);
            if (reason != null) {
                launcher.out().println("    " + reason);
            }
            String error = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.ERROR);
            if (error != null) {
                launcher.out().println("    " + error);
            }
        }
        return 0;
    }

    /** The {@code limit} newest records over all partitions, oldest first. */
    private List<ConsumerRecord<byte[], byte[]>> readNewest(AppConfig config, String topic) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(KafkaReachability.TIMEOUT_MS / 1_000));
            if (infos == null || infos.isEmpty()) {
                return read;
            }
            List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(starts.get(partition), ends.get(partition) - limit));
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        read.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return read.subList(Math.max(0, read.size() - limit), read.size());
    }

    private static String source(ConsumerRecord<byte[], byte[]> record) {
        String topic = DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        if (topic == null) {
            return "-";
        }
        return topic + "/" + DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.SOURCE_PARTITION)
                + "@" + DeadLetterHeaders.text(record.headers(), DeadLetterHeaders.SOURCE_OFFSET);
    }

    private static String shown(byte[] key) {
        if (key == null) {
            return "(no key)";
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return text.length() <= SHOWN_KEY_CHARS ? text : text.substring(0, SHOWN_KEY_CHARS) + "… (" + text.length() + " characters)";
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static Properties consumerProperties(AppConfig config) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }
}
