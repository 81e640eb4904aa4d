package dev.stitch.stream.identity;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.config.ConflictPolicy;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.OutgoingEvent;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Links an anonymous id to a user (R1), sending the id's buffered history to the user's timeline as
 * stitched events (R2), and refusing to merge two users through one shared id (R6).
 */
final class IdentityLinker {

    /** Where the linker's outputs go; the caller stamps them with the current record's time. */
    interface Output {
        void send(String key, IdentityOutput value);
    }

    private final KeyValueStore<String, IdentityState> identities;
    private final AnonymousHistoryBuffer history;
    /** How long unlinked history is kept (R12): older events are not stitched, swept yet or not. */
    private final long retentionMs;
    private final ConflictPolicy conflictPolicy;
    private final StitchMetrics metrics;

    IdentityLinker(KeyValueStore<String, IdentityState> identities, AnonymousHistoryBuffer history, Duration historyRetention,
                   ConflictPolicy conflictPolicy, StitchMetrics metrics) {
        this.identities = identities;
        this.history = history;
        this.retentionMs = historyRetention.toMillis();
        this.conflictPolicy = conflictPolicy;
        this.metrics = metrics;
    }

    /** Links {@code anonymousId} to {@code userId} because of event {@code messageId}, seen at {@code time}. */
    void link(String anonymousId, String userId, String messageId, long time, Output out) {
        link(anonymousId, userId, messageId, time, Long.MIN_VALUE, out);
    }

    /**
     * As {@link #link(String, String, String, long, Output)}, but the history received up to {@code cutOff}
     * (an erasure's, R13) is erased rather than stitched.
     */
    void link(String anonymousId, String userId, String messageId, long time, long cutOff, Output out) {
        IdentityState state = identities.get(anonymousId);
        if (state == null) {
            state = AnonymousHistoryBuffer.newState();
        }
        String previous = state.getUserId();
        if (previous == null) {
            int buffered = state.getBufferedCount();
            List<BufferedEvent> withinRetention = history.drainArrivedFrom(anonymousId, state, time - retentionMs);
            metrics.historyExpired(buffered - withinRetention.size());
            List<OutgoingEvent> stitched = new ArrayList<>(withinRetention.size());
            for (BufferedEvent event : withinRetention) {
                if (event.event().getReceivedAt().toEpochMilli() > cutOff) {
                    stitched.add(new OutgoingEvent(forUser(event.event(), userId, true), event.arrivedAs()));
                }
            }
            if (!stitched.isEmpty()) {
                out.send(userId, new IdentityOutput.StitchedHistory(stitched));
            }
            state.setUserId(userId);
            identities.put(anonymousId, state);
            metrics.link();
            out.send(anonymousId, change(anonymousId, ChangeKind.LINKED, userId, null,
                    "anonymous id " + anonymousId + " is linked to user " + userId, messageId, time));
            return;
        }
        if (previous.equals(userId)) {
            return;
        }
        metrics.conflict();
        String reason = "anonymous id " + anonymousId + " is already linked to user " + previous
                + " and now shows up with user " + userId + "; the two users are not merged (a shared device)";
        if (conflictPolicy == ConflictPolicy.LATEST_WINS) {
            state.setUserId(userId);
            identities.put(anonymousId, state);
            out.send(anonymousId, change(anonymousId, ChangeKind.REFUSED_CONFLICT, userId, previous,
                    reason + "; its later events go to " + userId, messageId, time));
        } else {
            out.send(anonymousId, change(anonymousId, ChangeKind.REFUSED_CONFLICT, previous, previous,
                    reason + "; its later events keep going to " + previous, messageId, time));
        }
    }

    static TimelineEvent forUser(SegmentEvent event, String userId, boolean stitched) {
        return new TimelineEvent(userId, null, stitched, false, event);
    }

    private static IdentityOutput.Change change(String id, ChangeKind kind, String userId, String previousUserId,
                                                String reason, String messageId, long time) {
        return new IdentityOutput.Change(new IdentityChange(id, kind, userId, previousUserId, reason, messageId, Instant.ofEpochMilli(time)));
    }
}
