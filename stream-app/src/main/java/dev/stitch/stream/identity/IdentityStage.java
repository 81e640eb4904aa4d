package dev.stitch.stream.identity;

import dev.stitch.events.EventIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkRequest;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.topology.Catalogue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Instant;

/**
 * The identity stage, keyed by an event's routing key (anonymous id, else userId). Drops retried
 * events (R9), links anonymous ids to users (R1, R2, R6), routes linked anonymous activity to its
 * user (R3) and user-only events straight on (R4), and buffers unlinked activity while also
 * publishing it as anonymous activity (R11, R12).
 */
public final class IdentityStage implements Processor<String, Decoded.Event, String, IdentityOutput> {

    /** How many anonymous ids one expiry sweep handles at most, so a sweep never stalls processing for long. */
    private static final int EXPIRY_BATCH = 10_000;

    private final StitchSettings settings;
    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, IdentityState> identities;
    private AnonymousHistoryBuffer history;
    private IdentityLinker linker;
    private Deduplicator deduplicator;
    private StitchMetrics metrics;

    public IdentityStage(StitchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        metrics = StitchMetrics.of(context);
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
        history = AnonymousHistoryBuffer.open(context, settings.historyMaxEventsPerId());
        linker = new IdentityLinker(identities, history, settings.conflictPolicy(), metrics);
        WindowStore<String, Long> seen = context.getStateStore(Catalogue.DEDUP_STORE);
        deduplicator = new Deduplicator(seen, settings.dedupWindow());
        long retention = settings.historyRetention().toMillis();
        context.schedule(settings.historyExpiryScanInterval(), PunctuationType.STREAM_TIME,
                streamTime -> metrics.historyExpired(history.expire(streamTime - retention, EXPIRY_BATCH)));
    }

    @Override
    public void process(Record<String, Decoded.Event> record) {
        SegmentEvent event = record.value().event();
        EventIds ids = record.value().ids();
        long arrival = record.timestamp();
        if (!deduplicator.firstSighting(event.getMessageId(), arrival)) {
            metrics.duplicate();
            return;
        }
        IdentityLinker.Output out = (key, value) -> context.forward(new Record<>(key, value, arrival));
        String userId = ids.userId();
        if (userId != null) {
            if (ids.anonymousId() != null) {
                linker.link(ids.anonymousId(), userId, event.getMessageId(), arrival, out);
            }
            sendToUser(userId, event, ids, out, arrival);
            return;
        }
        String anonymousId = ids.anonymousId();
        IdentityState state = identities.get(anonymousId);
        if (state != null && state.getUserId() != null) {
            sendToUser(state.getUserId(), event, ids, out, arrival);
            return;
        }
        if (state == null) {
            state = new IdentityState(null, 0, null);
        }
        metrics.historyExpired(history.append(anonymousId, state, event, arrival));
        identities.put(anonymousId, state);
        out.send(anonymousId, new IdentityOutput.Anonymous(new TimelineEvent(null, null, false, false, event)));
    }

    /** The event goes to the user; a second anonymous id it carries is linked to the same user on its own partition. */
    private static void sendToUser(String userId, SegmentEvent event, EventIds ids, IdentityLinker.Output out, long arrival) {
        out.send(userId, new IdentityOutput.ToUser(IdentityLinker.forUser(event, userId, false)));
        if (ids.secondaryAnonymousId() != null) {
            out.send(ids.secondaryAnonymousId(),
                    new IdentityOutput.SecondaryLink(new LinkRequest(userId, event.getMessageId(), Instant.ofEpochMilli(arrival))));
        }
    }
}
