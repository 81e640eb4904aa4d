package dev.stitch.stream.state;

/**
 * Every state store and repartition topic of the topology, named once. Changing a name here renames
 * a changelog or an internal topic and loses its state: treat these as part of the data format.
 */
public final class Catalogue {

    /** Key: any id (anonymous id or userId); value: {@code IdentityState}, the user it maps to. */
    public static final String IDENTITIES_STORE = "identities";
    /** Key: {@link UserTimeKey}(anonymous id, arrival time, messageId); value: the buffered SegmentEvent. */
    public static final String ANONYMOUS_HISTORY_STORE = "anonymous-history";
    /** Key: {@code LinkKey}(userId, anonymous id); value: empty. The anonymous ids granted to each user (R7). */
    public static final String USER_LINKS_STORE = "user-anonymous-ids";
    /**
     * Key: the hex SHA-256 of an erased user id (R13, {@code ErasureMemory.keyOf}), so that it names no
     * one; value: the request's receivedAt, its cut-off. No link claimed
     * before then is made; with suppression on, none at all, and the entry stays; else it is deleted once
     * nothing received before the cut-off can surface any more (the history retention and one expiry
     * scan, or the dedup window if longer, and a minute: 30 days and an hour by default), in stream time.
     */
    public static final String ERASED_USERS_STORE = "erased-users";
    /** Key: a user id that became a name of another user (R8); value: that user's canonical id. */
    public static final String USER_NAMES_STORE = "user-names";
    /** Key: {@code LinkKey}(canonical userId, user id that is a name of it); value: empty. Every name of each user. */
    public static final String NAMES_BY_USER_STORE = "names-by-user";
    /**
     * Key: a user id that became a name of another user (R8), on the partition of its claims; value: the
     * user it is a name of now. Its anonymous ids link to that user.
     */
    public static final String MERGED_USERS_STORE = "merged-users";
    /**
     * {@link SeenMessages}. Key: a batch number ({@link SeenBatch}); value: the messageIds seen, a few
     * kilobytes of them, with their times; batches older than the dedup window are deleted. Beside them,
     * without a changelog of its own, the index of R9: each messageId's {@link Sighting}.
     */
    public static final String SEEN_MESSAGES_STORE = "seen-messages";

    /**
     * Key: userId; value: {@code UserState}, the user's sequence and latest emitted event time, the
     * count and first and last event time of the events that reached it (emitted or waiting), and which
     * of them still wait out the reorder grace.
     */
    public static final String USER_STATE_STORE = "user-state";
    /** Key: {@link UserTimeKey}(userId, event time, messageId); value: the encoded TimelineEvent as it arrived (no sequence yet). The query API's timelines. */
    public static final String TIMELINE_STORE = "timelines";
    /**
     * Key: the hex SHA-256 of an erased user id (R13, {@code ErasureMemory.keyOf}), so that it names no
     * one; value: the request's receivedAt, its cut-off. Events that reach
     * the user afterwards but reached the pipeline before then go with it; kept as the erased users'
     * entries are (30 days and an hour by default), in stream time.
     */
    public static final String RECENT_ERASURES_STORE = "recent-erasures";
    /**
     * Key: a user id merged into another user (R8); value: the user its timeline went to, and its later
     * events go to. Checked for every event: its most recent entries are kept in memory too ({@link CachedStore}).
     */
    public static final String MERGED_TIMELINES_STORE = "merged-timelines";
    /** Key: userId; value: {@code UserProfile}, the user's merged traits and linked ids, within {@code ProfileBounds}. */
    public static final String PROFILE_STORE = "profiles";
    /**
     * Key: {@link UsersByTraitKey}(indexed trait value, trait name, userId); value: empty. Beside each
     * profile, on its partition: every user with a trait value, found by a prefix scan ({@link IndexedTraits}).
     * One more key, of an empty value, name and userId, says the profiles stored before the store existed were indexed.
     */
    public static final String USERS_BY_TRAIT_STORE = "users-by-trait";

    /** Repartition: events whose raw key is not their routing key, re-keyed by it. */
    public static final String INPUT_BY_IDENTITY = "input-by-identity";
    /** Repartition: claims to link an anonymous id to a user, keyed by the userId (R7). */
    public static final String LINK_CLAIMS = "link-claims";
    /** Repartition: the user partition's answers to link claims, keyed by the anonymous id. */
    public static final String LINK_ANSWERS = "link-answers";
    /** Repartition: aliases, keyed by their previousId, to learn whether it is an anonymous id or a user id (R8). */
    public static final String ALIAS_CHECKS = "alias-checks";
    /** Repartition, one partition: merges and erasures of users, in one order for the whole user-name graph (R8, R13). */
    public static final String MERGE_REQUESTS = "merge-requests";
    /** Repartition: events on their way to a user's timeline, keyed by canonical userId. */
    public static final String EVENTS_BY_USER = "events-by-user";

    private Catalogue() {
    }
}
