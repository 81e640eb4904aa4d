package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The JSON of one request, read but not yet checked as events.
 *
 * @param events    the event objects in body order, each with where it was in the body
 * @param defaults  the batch-level fields that apply to every event (empty for a single event or a webhook array)
 * @param writeKey  the {@code writeKey} of the body's top-level object, or null
 * @param array     whether the body is a JSON array of events (the webhook destination's Actions batch)
 */
record RequestDocument(List<SentEvent> events, BatchDefaults defaults, String writeKey, boolean array) {

    /** A range of the (decompressed) body's bytes. */
    record Span(int offset, int length) {
    }

    /**
     * One event as it came.
     *
     * @param json the event object, which normalising changes in place
     * @param span where it was in the body; its length is what the 32 KB limit measures
     * @param path how error messages name it: empty for a single event, {@code batch[3]} or {@code [3]}
     */
    record SentEvent(ObjectNode json, Span span, String path) {

        /** The field's path as an error names it: {@code event}, {@code batch[3].event}, {@code [3].event}. */
        String field(String field) {
            if (path.isEmpty()) {
                return field;
            }
            return field == null ? path : path + "." + field;
        }
    }

    /**
     * Batch-level fields: {@code context} and {@code integrations} are deep-merged into each event (the
     * event's own values win), {@code sentAt} is the event's unless it has its own.
     */
    record BatchDefaults(ObjectNode context, ObjectNode integrations, JsonNode sentAt) {

        static final BatchDefaults NONE = new BatchDefaults(null, null, null);

        void applyTo(ObjectNode event) {
            mergeUnder(event, "context", context);
            mergeUnder(event, "integrations", integrations);
            if (sentAt != null && !sentAt.isNull() && isAbsent(event.get("sentAt"))) {
                event.set("sentAt", sentAt.deepCopy());
            }
        }

        private static void mergeUnder(ObjectNode event, String field, ObjectNode batchValue) {
            if (batchValue == null) {
                return;
            }
            JsonNode own = event.get(field);
            if (isAbsent(own)) {
                event.set(field, batchValue.deepCopy());
            } else if (own instanceof ObjectNode ownObject) {
                deepMerge(ownObject, batchValue);
            }
            // An event's own non-object value wins as it is.
        }

        private static void deepMerge(ObjectNode target, ObjectNode defaults) {
            for (var entry : defaults.properties()) {
                JsonNode own = target.get(entry.getKey());
                if (own == null) {
                    target.set(entry.getKey(), entry.getValue().deepCopy());
                } else if (own instanceof ObjectNode ownObject && entry.getValue() instanceof ObjectNode batchObject) {
                    deepMerge(ownObject, batchObject);
                }
            }
        }

        private static boolean isAbsent(JsonNode node) {
            return node == null || node.isNull();
        }
    }
}
