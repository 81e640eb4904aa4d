package dev.stitch.stream.config;

import dev.stitch.events.JunkIds;

import java.time.Duration;

/**
 * The stitching rules' settings (docs/architecture.md#identity-rules).
 *
 * @param topics                    input and output topic names
 * @param junkIds                   values never taken as identities
 * @param conflictPolicy            R6: who gets a shared anonymous id's later events
 * @param reorderGrace              R10: how long an event waits for earlier ones before it is emitted
 * @param flushInterval             how often the reorder buffer is checked for events whose wait is over
 * @param dedupWindow               R9: how long a messageId is remembered
 * @param historyRetention          R12: how long unlinked anonymous history is kept
 * @param historyMaxEventsPerId     R12: how many events one unlinked anonymous id may hold
 * @param historyExpiryScanInterval how often expired anonymous history is swept
 * @param maxAnonymousIdsPerUser    R7: how many anonymous ids may link to one user
 * @param suppressErasedUsers       R13: whether later events for an erased user are dropped, rather than start a new profile
 * @param profileBounds             how many traits and bytes of traits a profile keeps, and how many ids it lists
 * @param limits                    how large an input event may be, how long its ids, how large a record the application writes
 */
public record StitchSettings(
        TopicNames topics,
        JunkIds junkIds,
        ConflictPolicy conflictPolicy,
        Duration reorderGrace,
        Duration flushInterval,
        Duration dedupWindow,
        Duration historyRetention,
        int historyMaxEventsPerId,
        Duration historyExpiryScanInterval,
        int maxAnonymousIdsPerUser,
        boolean suppressErasedUsers,
        ProfileBounds profileBounds,
        RecordLimits limits) {

    /**
     * Margin for what is on its way between stages when it should already be gone (a link claim, a
     * merged user's moved events: a few repartition hops), in reorder-grace periods (a minute by default).
     */
    private static final int HOPS_MARGIN_IN_GRACE_PERIODS = 12;

    public static StitchSettings defaults() {
        return new StitchSettings(TopicNames.defaults(), JunkIds.defaults(), ConflictPolicy.LATEST_WINS,
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(24), Duration.ofDays(30),
                1000, Duration.ofHours(1), 1000, false, ProfileBounds.defaults(), RecordLimits.defaults());
    }

    /**
     * How long an erasure's cut-off is kept (R13): as long as anything received before the request can
     * still surface. Unlinked history lives for the retention, plus up to one expiry scan; a retry is
     * recognised as one for the dedup window; add the margin for records between stages. With the
     * defaults: 30 days, 1 hour and 1 minute.
     */
    public Duration erasureCutOffKept() {
        Duration history = historyRetention.plus(historyExpiryScanInterval);
        Duration longest = history.compareTo(dedupWindow) >= 0 ? history : dedupWindow;
        return longest.plus(reorderGrace.multipliedBy(HOPS_MARGIN_IN_GRACE_PERIODS));
    }

    public StitchSettings withTopics(TopicNames value) {
        return new StitchSettings(value, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, profileBounds, limits);
    }

    public StitchSettings withConflictPolicy(ConflictPolicy value) {
        return new StitchSettings(topics, junkIds, value, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, profileBounds, limits);
    }

    public StitchSettings withHistoryBounds(Duration retention, int maxEventsPerId, Duration scanInterval) {
        return new StitchSettings(topics, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                retention, maxEventsPerId, scanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, profileBounds, limits);
    }

    public StitchSettings withReorder(Duration grace, Duration interval) {
        return new StitchSettings(topics, junkIds, conflictPolicy, grace, interval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, profileBounds, limits);
    }

    public StitchSettings withMaxAnonymousIdsPerUser(int value) {
        return new StitchSettings(topics, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, value, suppressErasedUsers, profileBounds, limits);
    }

    public StitchSettings withSuppressErasedUsers(boolean value) {
        return new StitchSettings(topics, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, value, profileBounds, limits);
    }

    public StitchSettings withProfileBounds(ProfileBounds value) {
        return new StitchSettings(topics, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, value, limits);
    }

    public StitchSettings withLimits(RecordLimits value) {
        return new StitchSettings(topics, junkIds, conflictPolicy, reorderGrace, flushInterval, dedupWindow,
                historyRetention, historyMaxEventsPerId, historyExpiryScanInterval, maxAnonymousIdsPerUser, suppressErasedUsers, profileBounds, value);
    }
}
