package dev.stitch.stream.identity;

import dev.stitch.events.EventIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.ClaimAnonymousId;
import dev.stitch.schema.internal.EraseUserNames;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.UserAlias;
import dev.stitch.schema.internal.UserNameChange;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.SeenMessages;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;

/**
 * The identity stage, keyed by an event's routing key (anonymous id, else userId). Drops retried
 * events (R9), claims links of anonymous ids to users (R1; the user's partition checks the limit,
 * R7, and the answer comes back to {@link LinkAnswers}), routes linked anonymous activity to its
 * user (R3) and user-only events straight on (R4), and buffers unlinked activity while also
 * publishing it as anonymous activity (R11, R12).
 */
public final class IdentityStage implements Processor<String, Decoded.Event, String, IdentityOutput> {

    /**
     * How many ids the history sweep reads per second of stream time: a slice takes a few milliseconds,
     * so a sweep never stalls processing for long, and a pass over 7 million ids takes an hour.
     */
    public static final int SWEEP_SLICE = 2_000;
    private static final Duration SWEEP_SLICE_INTERVAL = Duration.ofSeconds(1);
    /**
     * How many of an unlinked id's first events its own state holds, instead of a history-store entry
     * each ({@link AnonymousHistoryBuffer}): a visit of a few page views fits.
     */
    public static final int HISTORY_HELD_IN_STATE = 8;

    private final StitchSettings settings;
    private final StitchSerdes serdes;
    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, IdentityState> identities;
    private AnonymousHistoryBuffer history;
    private Deduplicator deduplicator;
    private HistorySweep sweep;
    private StitchMetrics metrics;

    public IdentityStage(StitchSettings settings, StitchSerdes serdes) {
        this.settings = settings;
        this.serdes = serdes;
    }

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        metrics = StitchMetrics.of(context);
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
        history = AnonymousHistoryBuffer.open(context, settings, serdes);
        KeyValueStore<Bytes, byte[]> seen = context.getStateStore(Catalogue.SEEN_MESSAGES_STORE);
        deduplicator = new Deduplicator(seen, SeenMessages.within(seen), settings.dedupWindow(), Deduplicator.MAX_BATCH_BYTES);
        sweep = new HistorySweep(identities, history, SWEEP_SLICE);
        context.schedule(settings.historyExpiryScanInterval(), PunctuationType.STREAM_TIME, streamTime -> {
            sweep.startPass();
            sweepSlice(streamTime);
        });
        context.schedule(SWEEP_SLICE_INTERVAL, PunctuationType.STREAM_TIME, this::sweepSlice);
    }

    private void sweepSlice(long streamTime) {
        if (sweep.underWay()) {
            long cutoff = streamTime - settings.historyRetention().toMillis();
            metrics.historyExpired(sweep.nextSlice(cutoff, (anonymousId, dropped) -> forget(anonymousId, dropped, streamTime)));
        }
    }

    @Override
    public void process(Record<String, Decoded.Event> record) {
        SegmentEvent event = record.value().event();
        EventIds ids = record.value().ids();
        long arrival = record.timestamp();
        if (!deduplicator.firstSighting(event.getMessageId(), arrival, context.recordMetadata().orElse(null))) {
            metrics.duplicate();
            return;
        }
        IdentityLinker.Output out = (key, value) -> context.forward(new Record<>(key, value, arrival));
        String userId = ids.userId();
        if (SegmentEventParser.DELETE.equals(event.getType())) {
            erase(userId, event, out);
            return;
        }
        if (userId != null) {
            requestAlias(userId, event, ids, out);
            String anonymousId = ids.anonymousId();
            if (anonymousId != null && !isLinkedTo(anonymousId, userId)) {
                // The event waits for the answer, so that the history the link stitches reaches the user first (R2).
                out.send(userId, new IdentityOutput.Claim(new LinkCommand(new ClaimAnonymousId(anonymousId, event), event.getMessageId(),
                        Instant.ofEpochMilli(arrival))));
                claimSecondary(userId, event, ids, out, arrival);
                return;
            }
            sendToUser(userId, record, out);
            return;
        }
        String anonymousId = ids.anonymousId();
        IdentityState state = identities.get(anonymousId);
        if (state != null && state.getUserId() != null) {
            sendToUser(state.getUserId(), record, out);
            return;
        }
        if (state == null) {
            state = AnonymousHistoryBuffer.newState();
        }
        metrics.historyExpired(history.append(anonymousId, state, event, record.value().arrivedAs(), arrival));
        identities.put(anonymousId, state);
        out.send(anonymousId, new IdentityOutput.Anonymous(new OutgoingEvent(new TimelineEvent(null, null, false, false, event),
                record.value().arrivedAs())));
    }

    /**
     * The event goes to the user; a second anonymous id it carries is claimed for the same user (its
     * state lives on another partition, so whether it is linked already is decided there). An event
     * keyed by its user's id is on that user's partition already (R4) and goes on without a repartition.
     */
    private static void sendToUser(String userId, Record<String, Decoded.Event> record, IdentityLinker.Output out) {
        SegmentEvent event = record.value().event();
        OutgoingEvent toUser = new OutgoingEvent(IdentityLinker.forUser(event, userId, false), record.value().arrivedAs());
        out.send(userId, userId.equals(record.key()) ? new IdentityOutput.ToOwnUser(toUser) : new IdentityOutput.ToUser(toUser));
        claimSecondary(userId, event, record.value().ids(), out, record.timestamp());
    }

    private static void claimSecondary(String userId, SegmentEvent event, EventIds ids, IdentityLinker.Output out, long arrival) {
        if (ids.secondaryAnonymousId() != null) {
            // The event went on at once: the claim carries none.
            ClaimAnonymousId claim = ClaimAnonymousId.newBuilder().setAnonymousId(ids.secondaryAnonymousId()).build();
            out.send(userId, new IdentityOutput.Claim(new LinkCommand(claim, event.getMessageId(), Instant.ofEpochMilli(arrival))));
        }
    }

    /**
     * A privacy request (R13): the user's own id is erased here; the user-name graph erases the user
     * with every name it has, each where its state lives (its timeline and profile on the timeline
     * stage, its anonymous ids on their own partitions, which the user's partition knows).
     */
    private void erase(String userId, SegmentEvent event, IdentityLinker.Output out) {
        identities.delete(userId);
        out.send(userId, new IdentityOutput.Merge(new UserNameChange(new EraseUserNames(userId), event.getMessageId(), event.getReceivedAt())));
    }

    /**
     * An alias makes its previousId another name of its userId (R8). Whether that is an anonymous id
     * (linked) or a user id (merged) is known on the previousId's own partition. A previousId the event
     * also carries as its anonymous id is linked like any other (R1).
     */
    private void requestAlias(String userId, SegmentEvent event, EventIds ids, IdentityLinker.Output out) {
        if (!SegmentEventParser.ALIAS.equals(event.getType())) {
            return;
        }
        String previousId = settings.junkIds().usableOrNull(event.getPreviousId());
        if (previousId != null && !previousId.equals(userId) && !previousId.equals(ids.anonymousId())
                && !previousId.equals(ids.secondaryAnonymousId())) {
            out.send(previousId, new IdentityOutput.Alias(new UserAlias(previousId, userId, event.getMessageId(), event.getReceivedAt())));
        }
    }

    private boolean isLinkedTo(String anonymousId, String userId) {
        IdentityState state = identities.get(anonymousId);
        return state != null && userId.equals(state.getUserId());
    }

    /** An unlinked id whose whole history passed the retention is forgotten: its change says so (R12). */
    private void forget(String anonymousId, int droppedEvents, long streamTime) {
        metrics.idExpired();
        context.forward(new Record<>(anonymousId, new IdentityOutput.Change(new IdentityChange(anonymousId, ChangeKind.EXPIRED,
                null, null, "anonymous id " + anonymousId + " was never linked and its last " + droppedEvents
                + " buffered event(s) passed the history retention (STITCH_HISTORY_RETENTION); they were dropped unstitched "
                + "and the id is forgotten", null, Instant.ofEpochMilli(streamTime))), streamTime));
    }
}
