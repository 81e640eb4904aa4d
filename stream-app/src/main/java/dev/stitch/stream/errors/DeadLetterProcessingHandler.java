package dev.stitch.stream.errors;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

import java.util.List;
import java.util.Map;

/**
 * A record on which a processor (or a punctuation) throws goes to the dead-letter topic, as it was
 * read, with the processor and the error, and processing goes on with the next record. This is the
 * last resort: the decoders send what they recognise as unusable there themselves, with a clearer
 * reason. Failures of Kafka Streams itself (a store, a send, the cluster) and of the registry still
 * fail the task, since no record is at fault.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private DeadLetterRecords letters;

    @Override
    public void configure(Map<String, ?> configs) {
        letters = DeadLetterRecords.configured(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException || RegistryTrouble.in(exception) != null) {
            return Response.fail();
        }
        DeadLetterReason reason = UnusableRecordException.reasonIn(exception);
        String node = context.processorNodeId();
        String sentence = reason != null
                ? "processing this record in " + node + " failed: " + exception.getMessage()
                : "processor " + node + " failed on this record: " + exception;
        return Response.resume(List.of(letters.letter(context.sourceRawKey(), context.sourceRawValue(), context.headers(),
                reason != null ? reason : DeadLetterReason.PROCESSING_FAILED, sentence, exception, context, node)));
    }
}
