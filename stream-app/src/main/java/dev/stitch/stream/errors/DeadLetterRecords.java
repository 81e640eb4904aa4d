package dev.stitch.stream.errors;

import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.config.TopicNames;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import java.util.Map;

/**
 * The dead letters the exception handlers give back to Kafka Streams (which writes them in the same
 * transaction as the rest): the record as it was, with the reason in headers, or, when it is too large
 * to be written itself, a small record that names it.
 */
final class DeadLetterRecords {

    /** A key longer than this is left out of a record that names a too-large one. */
    private static final int NAMING_KEY_BYTES = 1024;

    private final String topic;
    private final int maxRecordBytes;
    private final DeadLetters deadLetters;

    private DeadLetterRecords(String topic, int maxRecordBytes, DeadLetters deadLetters) {
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
        this.deadLetters = deadLetters;
    }

    /** From a handler's configuration: the dead-letter topic Kafka Streams names, the record bound, the counters. */
    static DeadLetterRecords configured(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        Object maxBytes = configs.get(RecordLimits.MAX_RECORD_BYTES_CONFIG);
        return new DeadLetterRecords(topic == null ? TopicNames.defaults().deadLetters() : topic.toString(),
                maxBytes == null ? RecordLimits.defaults().maxRecordBytes() : Integer.parseInt(maxBytes.toString()),
                DeadLetters.of(configs));
    }

    String topic() {
        return topic;
    }

    /**
     * Counts and logs one dead letter, and makes its record.
     *
     * @param processor the processor that failed, or null
     */
    ProducerRecord<byte[], byte[]> letter(byte[] key, byte[] value, Headers original, DeadLetterReason reason, String sentence,
                                          Throwable error, ErrorHandlerContext source, String processor) {
        deadLetters.record(reason, sentence, describe(source, processor));
        Long timestamp = source.timestamp() >= 0 ? source.timestamp() : null;
        int valueBytes = value == null ? 0 : value.length;
        int originalHeaderBytes = original == null ? 0 : DeadLetterHeaders.sizeOf(original);
        if ((key == null || key.length <= RecordLimits.MAX_KEY_BYTES) && valueBytes + originalHeaderBytes + 4096 <= maxRecordBytes) {
            Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
            describe(headers, reason, sentence, error, source, processor);
            return new ProducerRecord<>(topic, null, timestamp, key, value, headers);
        }
        Headers headers = new RecordHeaders();
        describe(headers, reason, sentence + "; the record, " + valueBytes + " bytes, is too large to keep here, so this one names it",
                error, source, processor);
        DeadLetterHeaders.add(headers, DeadLetterHeaders.ORIGINAL_SIZE, Integer.toString(valueBytes));
        byte[] namingKey = key != null && key.length <= NAMING_KEY_BYTES ? key : null;
        return new ProducerRecord<>(topic, null, timestamp, namingKey, null, headers);
    }

    private static void describe(Headers headers, DeadLetterReason reason, String sentence, Throwable error,
                                 ErrorHandlerContext source, String processor) {
        DeadLetterHeaders.addReason(headers, reason, sentence, error);
        DeadLetterHeaders.addSource(headers, source.topic(), source.partition(), source.offset());
        if (processor != null) {
            DeadLetterHeaders.add(headers, DeadLetterHeaders.PROCESSOR, processor);
        }
    }

    private static String describe(ErrorHandlerContext source, String processor) {
        String where = source.topic() == null ? "task " + source.taskId() : source.topic() + "-" + source.partition() + "@" + source.offset();
        return processor == null ? where : where + " (processor " + processor + ")";
    }
}
