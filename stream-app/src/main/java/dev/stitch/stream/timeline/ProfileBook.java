package dev.stitch.stream.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each user's profile: the traits merged from the user's identify calls (per trait, the value of
 * the latest event time wins, so a late identify does not overwrite a newer value) and the anonymous
 * ids linked to the user, as the identity stage's changes say.
 */
public final class ProfileBook {

    private final KeyValueStore<String, UserProfile> profiles;

    ProfileBook(KeyValueStore<String, UserProfile> profiles) {
        this.profiles = profiles;
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
        List<String> ids = change.getKind() == ChangeKind.MERGED ? profile.getMergedIds() : profile.getAnonymousIds();
        String id = change.getId();
        boolean changed;
        if (userId.equals(change.getUserId())) {
            changed = !ids.contains(id) && ids.add(id);
        } else {
            changed = ids.remove(id);
        }
        if (!changed) {
            return;
        }
        if (profile.getAnonymousIds().isEmpty() && profile.getMergedIds().isEmpty() && profile.getTraits().isEmpty()) {
            profiles.delete(userId);
        } else {
            profiles.put(userId, profile);
        }
    }

    /** Merges the traits of an identify call into the user's profile; other events leave it as it is. */
    void note(String userId, SegmentEvent event) {
        if (!"identify".equals(event.getType())) {
            return;
        }
        JsonNode traits = traitsOf(event);
        if (traits == null || !traits.isObject() || traits.isEmpty()) {
            return;
        }
        long time = event.getTimestamp().toEpochMilli();
        UserProfile profile = profileOf(userId);
        Map<String, TraitValue> merged = profile.getTraits();
        traits.properties().forEach(trait -> {
            TraitValue current = merged.get(trait.getKey());
            if (current == null || current.getSetAt() <= time) {
                merged.put(trait.getKey(), new TraitValue(trait.getValue().toString(), time));
            }
        });
        profiles.put(userId, profile);
    }

    void forget(String userId) {
        profiles.delete(userId);
    }

    private UserProfile profileOf(String userId) {
        UserProfile profile = profiles.get(userId);
        if (profile == null) {
            return new UserProfile(new HashMap<>(), new ArrayList<>(), new ArrayList<>());
        }
        // Plain, growable collections instead of the ones Avro read back.
        return new UserProfile(new HashMap<>(profile.getTraits()), new ArrayList<>(profile.getAnonymousIds()),
                new ArrayList<>(profile.getMergedIds()));
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
