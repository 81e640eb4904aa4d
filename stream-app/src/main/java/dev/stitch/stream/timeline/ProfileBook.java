package dev.stitch.stream.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.config.ProfileBounds;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each user's profile: the traits merged from the user's identify calls (per trait, the value of
 * the latest event time wins, so a late identify does not overwrite a newer value) and the anonymous
 * ids linked to the user, as the identity stage's changes say. Every part is bounded
 * ({@link ProfileBounds}): the newest traits are kept, and the latest ids listed with a count of the rest.
 */
public final class ProfileBook {

    private final KeyValueStore<String, UserProfile> profiles;
    private final BoundedTraits traits;
    private final ProfileBounds bounds;

    ProfileBook(KeyValueStore<String, UserProfile> profiles, ProfileBounds bounds) {
        this.profiles = profiles;
        this.traits = new BoundedTraits(bounds);
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
     * Merges the traits of an identify call into the user's profile; other events leave it as it is.
     *
     * @return how many traits the profile's bounds dropped
     */
    int note(String userId, SegmentEvent event) {
        if (!"identify".equals(event.getType())) {
            return 0;
        }
        JsonNode incoming = traitsOf(event);
        if (incoming == null || !incoming.isObject() || incoming.isEmpty()) {
            return 0;
        }
        Map<String, String> values = new LinkedHashMap<>();
        incoming.properties().forEach(trait -> values.put(trait.getKey(), trait.getValue().toString()));
        UserProfile profile = profileOf(userId);
        BoundedTraits.Merged merged = traits.merge(profile.getTraits(), values, event.getTimestamp().toEpochMilli());
        if (merged.changed()) {
            profiles.put(userId, profile);
        }
        return merged.dropped();
    }

    void forget(String userId) {
        profiles.delete(userId);
    }

    private UserProfile profileOf(String userId) {
        UserProfile profile = profiles.get(userId);
        if (profile == null) {
            return new UserProfile(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), 0L, 0L);
        }
        // Plain, growable collections instead of the ones Avro read back.
        return new UserProfile(new HashMap<>(profile.getTraits()), new ArrayList<>(profile.getAnonymousIds()),
                new ArrayList<>(profile.getMergedIds()), profile.getUnlistedAnonymousIds(), profile.getUnlistedMergedIds());
    }

    private static boolean isEmpty(UserProfile profile) {
        return profile.getTraits().isEmpty() && profile.getAnonymousIds().isEmpty() && profile.getMergedIds().isEmpty()
                && profile.getUnlistedAnonymousIds() == 0 && profile.getUnlistedMergedIds() == 0;
    }

    private static JsonNode traitsOf(SegmentEvent event) {
        try {
            return SegmentEventParser.JSON.readTree(event.getJson()).get("traits");
        } catch (JsonProcessingException e) {
            // The bridge and the decoder only pass valid JSON; a profile is no reason to stop the stream.
            return null;
        }
    }
}
