package dev.stitch.stream.timeline;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.StitchedEvent;
import dev.stitch.schema.internal.StitchedEvents;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.errors.DeadLetterReason;
import dev.stitch.stream.errors.DeadLetters;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.CachedStore;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.ErasureMemory;
import dev.stitch.stream.state.IndexedProfiles;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The timeline stage, keyed by userId: waits a grace period to put each user's events in event-time
 * order, then numbers them and sends them to the user's timeline (R10). It keeps what the query API
 * serves: each user's events by event time, and the user's profile and event count, all from the
 * events' arrival on. A user id merged into another (R8) sends its timeline and its later events on
 * to that user.
 */
public final class TimelineStage implements Processor<String, byte[], String, TimelineOutput> {

    private final StitchSettings settings;
    private final Deserializer<TimelineEvent> eventDeserializer;
    private final Serializer<TimelineEvent> eventSerializer;
    private final Deserializer<IdentityChange> changeDeserializer;
    private final Deserializer<StitchedEvents> historyDeserializer;
    private ProcessorContext<String, TimelineOutput> context;
    private ReorderBuffer buffer;
    /** Each user's place in its sequence, counts, and waiting events. */
    private KeyValueStore<String, UserState> users;
    private ProfileBook profiles;
    private ErasureMemory erasures;
    /** The user ids merged into another (R8), each with the user its events go to: checked for every event. */
    private CachedStore<String> mergedTimelines;
    private StitchMetrics metrics;
    private DeadLetters deadLetters;
    /** Stream time and the wall clock since it last moved: while the input is quiet, waiting events still come due. */
    private ReleaseClock clock;

    public TimelineStage(StitchSettings settings, StitchSerdes serdes) {
        this.settings = settings;
        this.eventDeserializer = serdes.timelineEvent().deserializer();
        this.eventSerializer = serdes.timelineEvent().serializer();
        this.changeDeserializer = serdes.identityChange().deserializer();
        this.historyDeserializer = serdes.stitchedEvents().deserializer();
    }

    @Override
    public void init(ProcessorContext<String, TimelineOutput> context) {
        this.context = context;
        metrics = StitchMetrics.of(context);
        deadLetters = DeadLetters.of(context.appConfigs());
        deadLetters.countIn(context.metrics());
        users = context.getStateStore(Catalogue.USER_STATE_STORE);
        buffer = new ReorderBuffer(users, context.getStateStore(Catalogue.TIMELINE_STORE), settings.reorderGrace().toMillis(),
                ReorderBuffer.maxWaitingWithin(settings.limits()));
        KeyValueStore<String, UserProfile> profileStore = context.getStateStore(Catalogue.PROFILE_STORE);
        profiles = new ProfileBook(profileStore, IndexedProfiles.within(profileStore).traits(), settings.profileBounds());
        erasures = new ErasureMemory(context.getStateStore(Catalogue.RECENT_ERASURES_STORE));
        mergedTimelines = new CachedStore<>(context.getStateStore(Catalogue.MERGED_TIMELINES_STORE));
        if (!settings.suppressErasedUsers()) {
            erasures.forgetAfter(context, settings.erasureCutOffKept(), settings.historyExpiryScanInterval());
        }
        clock = new ReleaseClock(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        context.schedule(settings.flushInterval(), PunctuationType.STREAM_TIME, ignored -> releaseDue());
        context.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> releaseDue());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        clock.advance(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        String userId = record.key();
        UserRecordKind kind = UserRecordKind.of(record.headers());
        if (kind == null) {
            deadLetter(record, DeadLetterReason.UNKNOWN_KIND, "the record names no known kind (header stitch.record: e for an "
                    + "event, c for an identity change, m for a moved event, h for stitched history) and is not an event with "
                    + "its order headers", null);
            return;
        }
        if (kind == UserRecordKind.IDENTITY_CHANGE) {
            IdentityChange change = decoded(record, changeDeserializer, settings.topics().identityChanges(), "an IdentityChange");
            if (change != null) {
                onIdentityChange(userId, change, record.timestamp());
            }
            return;
        }
        if (kind == UserRecordKind.STITCHED_HISTORY) {
            StitchedEvents history = decoded(record, historyDeserializer, settings.topics().timeline(), "a StitchedEvents");
            if (history != null) {
                List<Record<String, byte[]>> events = new ArrayList<>(history.getEvents().size());
                for (StitchedEvent event : history.getEvents()) {
                    events.add(new Record<>(userId, Utils.toArray(event.getEvent()), record.timestamp(),
                            UserRecordKind.EVENT.mark(OrderHeaders.of(event.getEventTime(), event.getMessageId()))));
                }
                onEvents(userId, events);
            }
            return;
        }
        onEvents(userId, List.of(record));
    }

    /** An event on its way into the user's timeline: its record, and the event decoded. */
    private record Arriving(Record<String, byte[]> record, TimelineEvent event) {
    }

    /**
     * The events of one record (an event, a moved one, or the history one link stitches) on their way
     * into the user's timeline. The user's profile and count take them in at once, before its timeline
     * does, so a query that sees an event on the timeline sees the profile that counts it, and one that
     * sees the count sees the traits of what it counts. The user's state and profile are read and
     * written once for all of them.
     */
    private void onEvents(String userId, List<Record<String, byte[]>> records) {
        List<Arriving> arriving = new ArrayList<>(records.size());
        for (Record<String, byte[]> record : records) {
            // Whatever is kept in the reorder buffer must decode when it leaves: check on arrival.
            if (!OrderHeaders.readable(record.headers())) {
                deadLetter(record, DeadLetterReason.UNKNOWN_KIND, "the record is an event without its order headers "
                        + "(stitch.event-time, stitch.message-id)", null);
                continue;
            }
            TimelineEvent event = decoded(record, eventDeserializer, settings.topics().timeline(), "a TimelineEvent");
            if (event != null) {
                arriving.add(new Arriving(record, event));
            }
        }
        if (arriving.isEmpty()) {
            return;
        }
        String mergedInto = mergedTimelines.get(userId);
        if (mergedInto != null) {
            // A name of another user (R8): the events go on to that user.
            for (Arriving event : arriving) {
                Record<String, byte[]> record = event.record();
                context.forward(new Record<>(mergedInto, new TimelineOutput.Moved(record.value()), record.timestamp(),
                        UserRecordKind.MOVED_EVENT.mark(new RecordHeaders(record.headers().toArray()))));
            }
            return;
        }
        UserState state = users.get(userId);
        if (settings.suppressErasedUsers() && TimelineSequencer.isSuppressed(state)) {
            arriving.forEach(ignored -> metrics.suppressed());
            return;
        }
        arriving.removeIf(event -> wasOnItsWayAtErasure(userId, event.event()));
        if (arriving.isEmpty()) {
            return;
        }
        int dropped = profiles.note(userId, arriving.stream().map(event -> event.event().getEvent()).toList());
        if (dropped > 0) {
            metrics.profileTraitsDropped(dropped);
        }
        for (Arriving event : arriving) {
            Record<String, byte[]> record = event.record();
            long eventTime = OrderHeaders.eventTime(record.headers());
            if (state == null) {
                state = TimelineSequencer.newUser(eventTime);
            }
            TimelineSequencer.reached(state, eventTime);
            buffer.add(userId, state, eventTime, OrderHeaders.messageId(record.headers()), record.value(), record.timestamp(), this::emit);
        }
        users.put(userId, state);
    }

    /**
     * A change of an id's mapping that concerns this user: an id joins or leaves its profile, the user
     * is merged into another (R8), or an erasure (R13).
     */
    private void onIdentityChange(String userId, IdentityChange change, long time) {
        if (change.getKind() == ChangeKind.ERASED && userId.equals(change.getId())) {
            erase(userId, change);
            return;
        }
        if (change.getKind() == ChangeKind.MERGED && userId.equals(change.getId())) {
            moveTo(userId, change.getUserId(), time);
            return;
        }
        profiles.apply(userId, change);
    }

    /**
     * A privacy request (R13): the user's timeline (what reached the pipeline up to the request,
     * emitted or waiting), place and profile go. Later events start afresh, or are suppressed.
     */
    private void erase(String userId, IdentityChange erasure) {
        long erasedUpTo = erasure.getTimestamp().toEpochMilli();
        UserState state = users.get(userId);
        buffer.forget(userId, state, erasedUpTo, this::receivedAt);
        UserState afterwards = TimelineSequencer.erased(state, settings.suppressErasedUsers());
        if (afterwards == null) {
            users.delete(userId);
        } else {
            users.put(userId, afterwards);
        }
        profiles.forget(userId);
        mergedTimelines.delete(userId);
        if (!settings.suppressErasedUsers()) {
            erasures.remember(userId, erasedUpTo);
        }
    }

    /**
     * Where the erasure's cut-off is enforced (R13): an erasure of a user id cuts off everything the
     * pipeline received before it under any name of that user, whenever it surfaces. An event that
     * reaches the user now but reached the pipeline before its request — anonymous history linked
     * since, an event in flight, a merged name's moved timeline — goes with the erasure. The cut-off
     * is kept as long as such an event can exist, so a return looks the same after seconds or weeks.
     */
    private boolean wasOnItsWayAtErasure(String userId, TimelineEvent event) {
        Long erasedUpTo = erasures.erasedUpTo(userId);
        return erasedUpTo != null && event.getEvent().getReceivedAt().toEpochMilli() <= erasedUpTo;
    }

    /**
     * The user became a name of {@code into} (R8): its timeline, emitted or waiting, goes there as
     * stitched history, in event-time order, and so will its later events. Its traits go with its
     * identify calls; its linked ids follow as their own changes.
     */
    private void moveTo(String userId, String into, long time) {
        String topic = settings.topics().timeline();
        for (byte[] encoded : buffer.removeAll(userId, users.get(userId))) {
            TimelineEvent event = eventDeserializer.deserialize(topic, encoded);
            event.setStitched(true);
            context.forward(new Record<>(into, new TimelineOutput.Moved(eventSerializer.serialize(topic, event)), time,
                    UserRecordKind.MOVED_EVENT.mark(OrderHeaders.of(event.getEvent()))));
        }
        profiles.forget(userId);
        users.delete(userId);
        mergedTimelines.put(userId, into);
    }

    /** The record's value decoded, or null when it does not decode: the record is then a dead letter. */
    private <T> T decoded(Record<String, byte[]> record, Deserializer<T> deserializer, String subjectTopic, String what) {
        try {
            return deserializer.deserialize(subjectTopic, record.value());
        } catch (SerializationException e) {
            deadLetter(record, DeadLetterReason.UNDECODABLE, "the value is not " + what + " in the registry's Avro wire format", e);
            return null;
        }
    }

    private void deadLetter(Record<String, byte[]> record, DeadLetterReason reason, String sentence, Throwable error) {
        deadLetters.record(reason, sentence, context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("the timeline stage"));
        context.forward(new Record<>(record.key(), new TimelineOutput.DeadLetter(record.value()), record.timestamp(),
                DeadLetterHeaders.describe(record.headers(), reason, sentence, error, context.recordMetadata())));
    }

    private long receivedAt(byte[] encodedEvent) {
        return eventDeserializer.deserialize(settings.topics().timeline(), encodedEvent).getEvent().getReceivedAt().toEpochMilli();
    }

    private void releaseDue() {
        long now = clock.advance(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        for (String userId : buffer.dueUsers(now)) {
            UserState state = users.get(userId);
            buffer.releaseDue(userId, state, now, this::emit);
            if (state != null) {
                users.put(userId, state);
            }
        }
    }

    private void emit(String userId, UserState state, List<ReorderBuffer.Released> events) {
        for (ReorderBuffer.Released event : events) {
            TimelineSequencer.Place place = TimelineSequencer.next(state, event.eventTime(), event.messageId());
            if (place.late()) {
                metrics.late();
            }
            context.forward(new Record<>(userId, new TimelineOutput.Emitted(
                    TimelineEventHead.placed(event.encoded(), userId, place.sequence(), place.late())), event.arrival()));
        }
    }
}
