package dev.stitch.stream.app;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the visitors' events that a timeline lacks are, for the failure of a test that waited for
 * them: which are missing, what the stores hold for their visitors (the anonymous ids' identity states,
 * the user's place in the sequence and its waiting events), the dead letters by reason, and the
 * duplicates dropped. A rare failure then says whether the events were dropped, held or never sent.
 */
final class VisitorWhereabouts {

    private static final int MOST_VISITORS_DESCRIBED = 5;

    private VisitorWhereabouts() {
    }

    static String describe(SingleBroker kafka, StitchApplication app, String timelineTopic, String deadLetterTopic, int visitors) {
        try {
            List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readToEnd(kafka.bootstrapServers(), timelineTopic,
                    new StringDeserializer(), kafka.timelineDeserializer());
            Set<String> emitted = new HashSet<>();
            timeline.forEach(record -> emitted.add(record.value().getEvent().getMessageId()));
            Map<Integer, List<String>> missingByVisitor = new TreeMap<>();
            Visitors.events(visitors).forEach(event -> {
                if (!emitted.contains(event.getMessageId())) {
                    int visitor = Integer.parseInt(event.getMessageId().substring(event.getMessageId().indexOf('-') + 1));
                    missingByVisitor.computeIfAbsent(visitor, v -> new ArrayList<>()).add(event.getMessageId());
                }
            });
            List<String> described = new ArrayList<>();
            missingByVisitor.entrySet().stream().limit(MOST_VISITORS_DESCRIBED)
                    .forEach(entry -> described.add(visitor(app, entry.getKey(), entry.getValue())));
            return "; missing events of " + missingByVisitor.size() + " visitors: " + String.join("; ", described)
                    + "; dead letters " + deadLetters(kafka, deadLetterTopic)
                    + "; duplicates dropped " + StitchMetrics.total(app.streams().metrics(), "duplicates");
        } catch (RuntimeException e) {
            return "; the missing events could not be looked up: " + e;
        }
    }

    private static String visitor(StitchApplication app, int visitor, List<String> missing) {
        ReadOnlyKeyValueStore<String, IdentityState> identities = store(app, Catalogue.IDENTITIES_STORE);
        ReadOnlyKeyValueStore<String, UserState> users = store(app, Catalogue.USER_STATE_STORE);
        StringBuilder text = new StringBuilder("user-" + visitor + " lacks " + missing);
        for (String id : List.of("pixel-" + visitor, "app-" + visitor)) {
            IdentityState state = identities.get(id);
            if (state != null) {
                text.append(", ").append(id).append(" with user ").append(state.getUserId())
                        .append(" holding ").append(state.getBufferedCount());
            }
        }
        UserState user = users.get("user-" + visitor);
        text.append(user == null ? ", no user state"
                : ", user state at sequence " + user.getLastSequence() + " with " + user.getWaiting().size() + " waiting");
        return text.toString();
    }

    private static <K, V> ReadOnlyKeyValueStore<K, V> store(StitchApplication app, String name) {
        return app.streams().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    private static Map<String, Integer> deadLetters(SingleBroker kafka, String topic) {
        Map<String, Integer> byReason = new TreeMap<>();
        TestClients.readToEnd(kafka.bootstrapServers(), topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .forEach(record -> {
                    Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
                    byReason.merge(reason == null ? "(no reason)" : new String(reason.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                });
        return byReason;
    }
}
