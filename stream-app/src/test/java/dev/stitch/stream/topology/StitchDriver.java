package dev.stitch.stream.topology;

import dev.stitch.events.EventIds;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.app.StreamsProperties;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.timeline.OrderHeaders;
import dev.stitch.stream.timeline.UserRecordKind;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stitching topology in a {@link TopologyTestDriver}, with real RocksDB stores and an in-memory
 * schema registry, and its output topics read back as plain values that tests compare exactly.
 */
public final class StitchDriver implements AutoCloseable {

    /** One record of stitch.timeline, as tests compare it. */
    public record Emitted(String userId, String messageId, Long sequence, boolean stitched, boolean late) {
    }

    /** One record of stitch.identity-changes, as tests compare it. */
    public record Change(String id, ChangeKind kind, String userId, String previousUserId, String messageId) {
    }

    private static final String APPLICATION_ID = "stitch-test";

    private final StitchSettings settings;
    private final StitchSerdes serdes;
    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<String, SegmentEvent> raw;
    private final TestInputTopic<byte[], byte[]> rawBytes;
    private final TestOutputTopic<String, TimelineEvent> timeline;
    private final TestOutputTopic<String, TimelineEvent> anonymous;
    private final TestInputTopic<String, TimelineEvent> moves;
    private final TestInputTopic<String, byte[]> movesBytes;
    private final TestOutputTopic<String, IdentityChange> changes;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    public StitchDriver(StitchSettings settings) {
        this.settings = settings;
        serdes = StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null), settings.limits().maxRecordBytes());
        try {
            stateDir = Files.createTempDirectory("stitch-driver");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var props = StreamsProperties.of(APPLICATION_ID, "unused:9092", stateDir, 32L * 1024 * 1024, Map.of(),
                settings.topics().deadLetters(), settings.limits());
        // Under exactly-once, TopologyTestDriver keeps only what a processed record's commit takes with
        // it, and so loses the dead letters the deserialization handler writes for a record it skips;
        // a real application commits them with what follows (the ITs run exactly-once on a broker).
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(StitchTopology.build(settings, serdes, props), props, SegmentEvents.T0);
        var topics = settings.topics();
        raw = driver.createInputTopic(topics.raw(), new StringSerializer(), serdes.segmentEvent().serializer());
        rawBytes = driver.createInputTopic(topics.raw(), new ByteArraySerializer(), new ByteArraySerializer());
        moves = driver.createInputTopic(topics.userMoves(), new StringSerializer(), serdes.timelineEvent().serializer());
        movesBytes = driver.createInputTopic(topics.userMoves(), new StringSerializer(), new ByteArraySerializer());
        timeline = driver.createOutputTopic(topics.timeline(), new StringDeserializer(), serdes.timelineEvent().deserializer());
        anonymous = driver.createOutputTopic(topics.anonymous(), new StringDeserializer(), serdes.timelineEvent().deserializer());
        changes = driver.createOutputTopic(topics.identityChanges(), new StringDeserializer(), serdes.identityChange().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public StitchDriver() {
        this(StitchSettings.defaults());
    }

    /** Sends an event keyed the way the bridge keys it, arriving at its own event time. */
    public StitchDriver send(SegmentEvent event) {
        return send(event, event.getTimestamp());
    }

    /** Sends an event keyed the way the bridge keys it, arriving at {@code arrival}. */
    public StitchDriver send(SegmentEvent event, Instant arrival) {
        return sendKeyed(EventIds.of(event, settings.junkIds()).routingKey(), event, arrival);
    }

    StitchDriver sendKeyed(String key, SegmentEvent event, Instant arrival) {
        raw.pipeInput(new TestRecord<>(key, event, arrival));
        return this;
    }

    StitchDriver sendBytes(byte[] key, byte[] value, Instant arrival) {
        rawBytes.pipeInput(new TestRecord<>(key, value, arrival));
        return this;
    }

    StitchDriver sendBytes(byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers, Instant arrival) {
        rawBytes.pipeInput(new TestRecord<>(key, value, headers, arrival));
        return this;
    }

    /**
     * Puts an event on the user-moves topic, as the timeline stage of a user id merged into
     * {@code userId} sends it there (R8), arriving at {@code arrival}.
     */
    StitchDriver sendMoved(String userId, SegmentEvent event, Instant arrival) {
        moves.pipeInput(new TestRecord<>(userId, new TimelineEvent(event.getUserId(), null, true, false, event),
                UserRecordKind.MOVED_EVENT.mark(OrderHeaders.of(event)), arrival));
        return this;
    }

    /** Puts any bytes on the user-moves topic, with the headers given. */
    StitchDriver sendMovedBytes(String key, byte[] value, org.apache.kafka.common.header.Headers headers, Instant arrival) {
        movesBytes.pipeInput(new TestRecord<>(key, value, headers, arrival));
        return this;
    }

    /** Lets wall-clock time pass beyond the grace period, so every waiting event is emitted. */
    public StitchDriver settle() {
        driver.advanceWallClockTime(settings.reorderGrace().plus(settings.flushInterval()));
        return this;
    }

    /** Lets wall-clock time pass without new records. */
    StitchDriver idle(Duration duration) {
        driver.advanceWallClockTime(duration);
        return this;
    }

    /** The serdes the topology uses, with its registry. */
    public StitchSerdes serdes() {
        return serdes;
    }

    /** A state store of the topology, as the query API reads it. */
    public <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    public List<Emitted> timeline() {
        return timeline.readRecordsToList().stream()
                .map(r -> new Emitted(r.key(), r.value().getEvent().getMessageId(), r.value().getSequence(),
                        r.value().getStitched(), r.value().getLate()))
                .toList();
    }

    public List<TestRecord<String, TimelineEvent>> timelineRecords() {
        return timeline.readRecordsToList();
    }

    /** stitch.anonymous as "key messageId" pairs. */
    public List<String> anonymous() {
        return anonymous.readRecordsToList().stream()
                .map(r -> r.key() + " " + r.value().getEvent().getMessageId())
                .toList();
    }

    /** stitch.identity-changes; a tombstone shows as a change of its key with nothing else. */
    public List<Change> changes() {
        return changes.readRecordsToList().stream()
                .map(r -> r.value() == null ? new Change(r.key(), null, null, null, null)
                        : new Change(r.key(), r.value().getKind(), r.value().getUserId(), r.value().getPreviousUserId(),
                        r.value().getMessageId()))
                .toList();
    }

    /** stitch.identity-changes as the records themselves, reasons included; a tombstone has a null value. */
    public List<TestRecord<String, IdentityChange>> changeRecords() {
        return changes.readRecordsToList();
    }

    /** What the topology wrote to one store's changelog: raw keys and values, a null value for a tombstone. */
    List<TestRecord<byte[], byte[]>> changelog(String storeName) {
        return driver.createOutputTopic(APPLICATION_ID + "-" + storeName + "-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** The value of one of the stitching counters, summed over threads. */
    public double metric(String name) {
        return StitchMetrics.total(driver.metrics(), name);
    }

    /** How many entries of a store with byte keys start with {@code prefix}. */
    static int keysWithPrefix(KeyValueStore<Bytes, ?> store, Bytes prefix) {
        int count = 0;
        try (KeyValueIterator<Bytes, ?> it = store.prefixScan(prefix, new BytesSerializer())) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() {
        driver.close();
        deleteRecursively(stateDir);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
