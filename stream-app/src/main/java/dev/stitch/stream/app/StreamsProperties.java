package dev.stitch.stream.app;

import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.stream.errors.DeadLetterDeserializationHandler;
import dev.stitch.stream.errors.DeadLetterProcessingHandler;
import dev.stitch.stream.errors.DeadLetterProductionHandler;
import dev.stitch.stream.errors.DeadLetters;
import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** The Kafka Streams configuration of the stitching application, in one place. */
public final class StreamsProperties {

    /** The producers' batch size: 256 KB, sixteen times Kafka's default. */
    static final int BATCH_BYTES = 256 * 1024;

    private StreamsProperties() {
    }

    /** With the default topic names and record limits. */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir,
                                long rocksDbMemoryBytes, Map<String, String> clientOverrides) {
        return of(applicationId, bootstrapServers, stateDir, rocksDbMemoryBytes, clientOverrides,
                TopicNames.defaults().deadLetters(), RecordLimits.defaults());
    }

    /**
     * @param clientOverrides extra Kafka client settings (security, SASL, TLS, tuning), applied last
     * @param deadLetterTopic where the exception handlers send the records they give up on
     * @param limits          the bound of what the application writes, which the handlers keep to as well
     */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir,
                                long rocksDbMemoryBytes, Map<String, String> clientOverrides,
                                String deadLetterTopic, RecordLimits limits) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // R14: no duplicate and no missing record for read_committed consumers, whatever crashes.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // A task of several input topics never waits for an empty one to be fetched: no rule relies on
        // the order of records across topics (the reorder buffer orders a user's events by event time),
        // and the waiting check formats a log line for every record it looks at.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // The topology has no global stores; this only opts in now to what Kafka 5.0 will make the default.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // No record stops a stream thread: what cannot be read, processed or written goes to the
        // dead-letter topic, in the same transaction, and processing goes on.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        props.put(RecordLimits.MAX_RECORD_BYTES_CONFIG, Integer.toString(limits.maxRecordBytes()));
        props.put(DeadLetters.CONFIG, new DeadLetters());
        // Each record carries an event's Segment JSON: lz4 shrinks every output, repartition and
        // changelog batch to about a third for the brokers' network and disk, for little CPU. Kafka
        // Streams gives it to the producers only; unprefixed, so that KAFKA_COMPRESSION_TYPE replaces it.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Under exactly_once_v2 nothing is visible before the commit, which flushes every batch: a batch
        // may as well fill up until then (Kafka Streams' linger.ms is 100 ms). At 16 KB, the producer's
        // default, batches closed after a few events each and every new one set up an lz4 stream with
        // two 64 KB buffers. A full buffer.memory only makes the producer send sooner. Unprefixed, so
        // that KAFKA_BATCH_SIZE replaces it.
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, Long.toString(rocksDbMemoryBytes));
        props.putAll(clientOverrides);
        return props;
    }
}
