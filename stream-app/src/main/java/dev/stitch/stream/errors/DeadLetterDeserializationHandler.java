package dev.stitch.stream.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import java.util.List;
import java.util.Map;

/**
 * A record the application reads (any of its topics, internal ones included) that cannot be decoded,
 * or lacks the key or value its topic's records always have, goes to the dead-letter topic, and
 * processing goes on. A registry that cannot be reached fails the task instead: the record is not at
 * fault, and is read again once the registry is back.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private DeadLetterRecords letters;

    @Override
    public void configure(Map<String, ?> configs) {
        letters = DeadLetterRecords.configured(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryTrouble.in(exception) != null) {
            return Response.fail();
        }
        DeadLetterReason reason = UnusableRecordException.reasonIn(exception);
        String sentence = reason != null ? exception.getMessage()
                : "the record on " + record.topic() + " cannot be decoded as what the topic carries";
        return Response.resume(List.of(letters.letter(record.key(), record.value(), record.headers(),
                reason != null ? reason : DeadLetterReason.UNDECODABLE, sentence, exception, context, null)));
    }
}
