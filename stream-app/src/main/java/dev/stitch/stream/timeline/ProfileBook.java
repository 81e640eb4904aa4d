package dev.stitch.stream.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.config.ProfileBounds;
import dev.stitch.stream.state.IndexedProfiles;
import dev.stitch.stream.state.TraitIndex;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each user's profile: the traits merged from the user's identify calls (per trait, the value of
 * the latest event time wins, so a late identify does not overwrite a newer value), the anonymous ids
 * linked to the user, as the identity stage's changes say, and the user's first and latest touch
 * ({@link Touches}). Every part is bounded ({@link ProfileBounds}): the newest traits are kept, and the
 * latest ids listed with a count of the rest. The users-by-trait store changes here too, with the
 * traits it indexes ({@link TraitIndex}), since this is the one place profiles change.
 */
public final class ProfileBook {

    /** Answers each get with a copy of its own to change (a {@link dev.stitch.stream.state.WriteBackStore}). */
    private final KeyValueStore<String, UserProfile> profiles;
    private final BoundedTraits traits;
    private final TraitIndex index;
    private final ProfileBounds bounds;
    /** Whether the profiles stored before the users-by-trait store existed are known to be indexed. */
    private boolean existingIndexed;

    /** @param index the users-by-trait entries beside the profiles ({@link IndexedProfiles#traits()}) */
    ProfileBook(KeyValueStore<String, UserProfile> profiles, TraitIndex index, ProfileBounds bounds) {
        this.profiles = profiles;
        this.traits = new BoundedTraits(bounds);
        this.index = index;
        this.bounds = bounds;
    }

    /**
     * The users a change of an id's mapping concerns, each with the change: the user the id now maps to
     * gains it, the user it mapped to before loses it, and a merged user id hands its timeline on (R8).
     */
    public static List<KeyValue<String, IdentityChange>> concerned(IdentityChange change) {
        String now = change.getUserId();
        String before = change.getPreviousUserId();
        if (now != null && now.equals(before)) {
            return List.of();
        }
        List<KeyValue<String, IdentityChange>> users = new ArrayList<>(3);
        if (now != null) {
            users.add(KeyValue.pair(now, change));
        }
        if (before != null) {
            users.add(KeyValue.pair(before, change));
        }
        if (change.getKind() == ChangeKind.MERGED && !change.getId().equals(before)) {
            users.add(KeyValue.pair(change.getId(), change));
        }
        return users;
    }

    /**
     * Applies a change of an id's mapping to {@code userId}'s lists of linked anonymous ids and, for a
     * merge, of user ids merged into it.
     */
    void apply(String userId, IdentityChange change) {
        indexExisting();
        UserProfile profile = profileOf(userId);
        boolean merge = change.getKind() == ChangeKind.MERGED;
        ListedIds ids = merge
                ? new ListedIds(profile.getMergedIds(), profile.getUnlistedMergedIds(), bounds.listedMergedIds())
                : new ListedIds(profile.getAnonymousIds(), profile.getUnlistedAnonymousIds(), bounds.listedAnonymousIds());
        boolean changed = userId.equals(change.getUserId()) ? ids.add(change.getId()) : ids.remove(change.getId());
        if (!changed) {
            return;
        }
        if (merge) {
            profile.setUnlistedMergedIds(ids.unlisted());
        } else {
            profile.setUnlistedAnonymousIds(ids.unlisted());
        }
        if (isEmpty(profile)) {
            profiles.delete(userId);
        } else {
            profiles.put(userId, profile);
        }
    }

    /**
     * Merges the traits of identify calls into the user's profile, and takes in the earliest of the
     * events' touches when it is earlier than the first and the latest when it is later than the latest;
     * other events leave the profile as it is, unread. The events of one record (an event, or the
     * history one link stitches) are taken in at once: one read and one write of the profile.
     *
     * @return how many traits the profile's bounds dropped
     */
    int note(String userId, List<SegmentEvent> events) {
        indexExisting();
        List<SegmentEvent> identifies = new ArrayList<>();
        List<SegmentEvent> mayTouch = new ArrayList<>();
        for (SegmentEvent event : events) {
            if ("identify".equals(event.getType())) {
                identifies.add(event);
            } else if (Touches.mayBeTouch(event.getJson())) {
                mayTouch.add(event);
            }
        }
        if (identifies.isEmpty() && mayTouch.isEmpty()) {
            return 0;
        }
        UserProfile profile = profileOf(userId);
        boolean changed = false;
        int dropped = 0;
        for (SegmentEvent identify : identifies) {
            JsonNode json = parsed(identify);
            if (json == null) {
                continue;
            }
            Touch touch = Touches.mayBeTouch(identify.getJson()) ? Touches.of(identify, json) : null;
            changed |= touch != null && Touches.take(profile, touch);
            JsonNode incoming = json.get("traits");
            if (incoming != null && incoming.isObject() && !incoming.isEmpty()) {
                Map<String, String> values = new LinkedHashMap<>();
                incoming.properties().forEach(trait -> values.put(trait.getKey(), trait.getValue().toString()));
                Map<String, String> before = TraitIndex.jsonOf(profile.getTraits());
                BoundedTraits.Merged merged = traits.merge(profile.getTraits(), values, identify.getTimestamp().toEpochMilli());
                if (merged.changed()) {
                    index.changed(userId, before, profile.getTraits());
                    changed = true;
                }
                dropped += merged.dropped();
            }
        }
        changed |= Touches.takeEarliestAndLatest(profile, mayTouch);
        if (changed) {
            profiles.put(userId, profile);
        }
        return dropped;
    }

    /** The user's profile goes (merged into another user, erased), and with it its entries in the users-by-trait store. */
    void forget(String userId) {
        indexExisting();
        UserProfile profile = profiles.get(userId);
        if (profile != null) {
            index.removeAll(userId, profile.getTraits());
            profiles.delete(userId);
        }
    }

    /** Once per task instance, on its first record: the profiles an earlier version stored unindexed. */
    private void indexExisting() {
        if (!existingIndexed) {
            index.coverExisting(profiles);
            existingIndexed = true;
        }
    }

    private UserProfile profileOf(String userId) {
        // A copy in plain, growable collections (UserProfileValues), this one's to change.
        UserProfile profile = profiles.get(userId);
        return profile != null ? profile : new UserProfile(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), 0L, 0L, null, null);
    }

    private static boolean isEmpty(UserProfile profile) {
        return profile.getTraits().isEmpty() && profile.getAnonymousIds().isEmpty() && profile.getMergedIds().isEmpty()
                && profile.getUnlistedAnonymousIds() == 0 && profile.getUnlistedMergedIds() == 0
                && profile.getFirstTouch() == null && profile.getLatestTouch() == null;
    }

    private static JsonNode parsed(SegmentEvent event) {
        try {
            return SegmentEventParser.JSON.readTree(event.getJson());
        } catch (JsonProcessingException e) {
            // The bridge and the decoder only pass valid JSON; a profile is no reason to stop the stream.
            return null;
        }
    }
}
