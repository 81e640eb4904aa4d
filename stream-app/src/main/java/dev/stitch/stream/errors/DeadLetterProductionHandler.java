package dev.stitch.stream.errors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

import java.util.List;
import java.util.Map;

/**
 * A record Kafka refuses for what it is, or one that cannot be serialized (among them every record
 * over the application's size bound, which its serdes refuse before the producer sees it), goes to
 * the dead-letter topic, and processing goes on. Errors of the cluster are retried when Kafka says
 * they pass, and fail the task otherwise, as Kafka Streams' default does.
 *
 * <p>Under exactly_once_v2 the producer aborts the transaction after any send error, whatever this
 * handler answers: that is why the serdes keep every record under the bound, so that only a broker
 * set to take less than the producer's {@code max.request.size} can still refuse one.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private DeadLetterRecords letters;

    @Override
    public void configure(Map<String, ?> configs) {
        letters = DeadLetterRecords.configured(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!isAboutTheRecord(exception)) {
            return exception instanceof RetriableException ? Response.retry() : Response.fail();
        }
        if (record.topic().equals(letters.topic())) {
            // A dead letter refused in turn: nothing smaller is left to write.
            return Response.resume();
        }
        DeadLetterReason reason = exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException
                ? DeadLetterReason.RECORD_TOO_LARGE : DeadLetterReason.REFUSED_BY_KAFKA;
        String sentence = "Kafka refused this record on " + record.topic() + ": " + exception.getMessage();
        return Response.resume(List.of(letters.letter(record.key(), record.value(), record.headers(), reason, sentence,
                exception, context, context.processorNodeId())));
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (RegistryTrouble.in(exception) != null) {
            return Response.fail();
        }
        DeadLetterReason reason = UnusableRecordException.reasonIn(exception);
        String sentence = "the record this one led to on " + record.topic() + " could not be written: " + exception.getMessage();
        return Response.resume(List.of(letters.letter(context.sourceRawKey(), context.sourceRawValue(), context.headers(),
                reason != null ? reason : DeadLetterReason.UNSERIALIZABLE, sentence, exception, context, context.processorNodeId())));
    }

    private static boolean isAboutTheRecord(Exception exception) {
        return exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException
                || exception instanceof InvalidRecordException || exception instanceof InvalidTimestampException;
    }
}
