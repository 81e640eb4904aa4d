package dev.stitch.benchmark;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts what the generator produced and, by the identity rules (docs/architecture.md#identity-rules)
 * applied to the same events, what the stitching topology should write: so the report can show that
 * the work was really done.
 */
final class TrafficTally {

    long pages;
    long serverIdentifies;
    long frontendIdentifies;
    long serverTracks;
    /** R2/R3/R4: events that end up on a user's timeline, stitched history included. */
    long expectedTimeline;
    /** R11: events of anonymous ids not linked yet, published at once. */
    long expectedAnonymous;
    /** R1: first links of an anonymous id, each an identity change. */
    long expectedLinks;
    long stitched;

    private final Set<String> linked = new HashSet<>();
    private final Map<String, Integer> unlinkedHistory = new HashMap<>();
    private final Set<String> users = new HashSet<>();

    void anonymousPage(String pixelId) {
        pages++;
        if (linked.contains(pixelId)) {
            expectedTimeline++;
        } else {
            expectedAnonymous++;
            unlinkedHistory.merge(pixelId, 1, Integer::sum);
        }
    }

    void identify(String pixelId, String userId, boolean serverSide) {
        if (serverSide) {
            serverIdentifies++;
        } else {
            frontendIdentifies++;
        }
        users.add(userId);
        if (linked.add(pixelId)) {
            expectedLinks++;
            int history = unlinkedHistory.getOrDefault(pixelId, 0);
            unlinkedHistory.remove(pixelId);
            stitched += history;
            expectedTimeline += history;
        }
        expectedTimeline++;
    }

    void serverTrack(String userId) {
        serverTracks++;
        users.add(userId);
        expectedTimeline++;
    }

    long events() {
        return pages + serverIdentifies + frontendIdentifies + serverTracks;
    }

    int distinctUsers() {
        return users.size();
    }

    /** Anonymous ids whose history was never stitched: on stitch.anonymous only. */
    int unlinkedAnonymousIds() {
        return unlinkedHistory.size();
    }
}
