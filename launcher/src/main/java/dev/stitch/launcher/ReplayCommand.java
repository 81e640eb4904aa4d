package dev.stitch.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.EventIds;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes a file of newline-delimited Segment events (the shape of a Segment export) to the raw
 * topic, keyed as the bridge keys them, so history can be backfilled. Lines that are not events are
 * reported with their line number and skipped; a replayed line keeps its messageId (or gets one
 * derived from its content), so replaying a file twice adds nothing.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Write a file of newline-delimited Segment events to the raw topic.")
final class ReplayCommand implements Callable<Integer> {

    @ParentCommand
    private Launcher launcher;

    private static final int MAX_REPORTED_PROBLEMS = 20;

    @Parameters(paramLabel = "FILE", description = "Newline-delimited JSON, one Segment event per line.")
    private Path file;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AppConfig config = launcher.configuration();
        if (config == null) {
            return 2;
        }
        if (!Files.isReadable(file)) {
            launcher.err().println("stitch: cannot read " + file);
            return 2;
        }
        if (!KafkaReachability.check(config, launcher.err())) {
            return 1;
        }
        String topic = config.settings().topics().raw();
        var registry = SchemaRegistries.connect(config.registryOrEmbedded(), config.registryUserInfo());
        List<String> problems = new ArrayList<>();
        List<Future<?>> sent = new ArrayList<>();
        int lineNumber = 0;
        try (var producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(),
                new AvroSerde<>(SegmentEvent.class, registry).serializer());
             BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    SegmentEvent event = parse(line);
                    String key = EventIds.of(event, config.settings().junkIds()).routingKey();
                    sent.add(producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), key, event)));
                } catch (InvalidEventException e) {
                    problems.add("line " + lineNumber + (e.field() == null ? "" : " (" + e.field() + ")") + ": " + e.getMessage());
                }
            }
            producer.flush();
            for (Future<?> result : sent) {
                result.get();
            }
        } catch (ExecutionException e) {
            launcher.err().println("stitch: Kafka refused an event: " + e.getCause().getMessage()
                    + " (is the application running at " + config.bootstrapOrEmbedded() + "?)");
            return 1;
        }
        launcher.out().println("replayed " + sent.size() + " events from " + file + " to " + topic
                + (problems.isEmpty() ? "" : "; skipped " + problems.size() + " lines that are not usable events:"));
        problems.stream().limit(MAX_REPORTED_PROBLEMS).forEach(problem -> launcher.out().println("  " + problem));
        return problems.isEmpty() ? 0 : 1;
    }

    private static SegmentEvent parse(String line) {
        JsonNode node;
        try {
            node = SegmentEventParser.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode event)) {
            throw new InvalidEventException(null, "expected a JSON object, one event per line");
        }
        return SegmentEventParser.parse(event, Instant.now(), "replay");
    }

    private static Properties producerProperties(AppConfig config) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: on a topic created a moment ago the first batches can meet a partition
        // whose leader is not ready yet, and batches pipelined behind a refused one would then arrive out
        // of sequence, which the producer reports as a failure instead of retrying. A replay sends from a
        // file, so batching is what it needs, not pipelining.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }
}
