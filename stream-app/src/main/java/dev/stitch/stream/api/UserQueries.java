package dev.stitch.stream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.Campaign;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.UserTimeKey;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The query API's answers, read from one partition's local stores and shaped as the README's query
 * API section shows them. Each returns empty for an id the application does not know.
 */
final class UserQueries {

    private final StateAccess state;
    private final Deserializer<TimelineEvent> events;
    private final String timelineTopic;
    private final Replica replica;

    UserQueries(StateAccess state, Deserializer<TimelineEvent> events, String timelineTopic) {
        this(state, events, timelineTopic, Replica.ACTIVE);
    }

    private UserQueries(StateAccess state, Deserializer<TimelineEvent> events, String timelineTopic, Replica replica) {
        this.state = state;
        this.events = events;
        this.timelineTopic = timelineTopic;
        this.replica = replica;
    }

    /** The same answers, read from the given copy of each partition: a standby one while the active cannot answer. */
    UserQueries on(Replica copy) {
        return copy == replica ? this : new UserQueries(state, events, timelineTopic, copy);
    }

    /**
     * Up to {@code limit} events of the user after {@code cursor}, by event time, from their arrival
     * on (also those still waiting to be emitted on stitch.timeline); with {@code next} when more follow.
     */
    Optional<ObjectNode> timeline(String userId, int partition, TimelineCursor cursor, int limit) {
        ReadOnlyKeyValueStore<Bytes, byte[]> timelines = state.store(Catalogue.TIMELINE_STORE, partition, replica);
        Bytes prefix = UserTimeKey.prefix(userId);
        Bytes start = cursor == TimelineCursor.START ? prefix : cursor.startKey(userId);
        List<TimelineEvent> page = new ArrayList<>(Math.min(limit, 256));
        boolean more = false;
        if (start != null) {
            try (KeyValueIterator<Bytes, byte[]> it = timelines.range(start, null)) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    if (!startsWith(entry.key, prefix)) {
                        break;
                    }
                    if (cursor != null && cursor.isItself(entry.key, userId)) {
                        continue;
                    }
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(events.deserialize(timelineTopic, entry.value));
                }
            }
        }
        // An empty page is a user's only when the page started after its events; from the start, no such user.
        if (page.isEmpty() && (cursor == TimelineCursor.START || !hasEvents(timelines, prefix))) {
            return Optional.empty();
        }
        ObjectNode body = json().put("userId", userId);
        ArrayNode list = body.putArray("events");
        page.forEach(event -> list.add(eventJson(event)));
        if (more) {
            SegmentEvent last = page.get(page.size() - 1).getEvent();
            body.put("next", TimelineCursor.after(last.getTimestamp().toEpochMilli(), last.getMessageId()));
        }
        return Optional.of(body);
    }

    /**
     * The user's profile: merged traits, linked anonymous ids, user ids merged into it, first and last
     * seen, event count, first and latest touch. It exists from the user's first event on, and counts the events its timeline
     * shows, emitted or still waiting.
     */
    Optional<ObjectNode> profile(String userId, int partition) {
        ReadOnlyKeyValueStore<String, UserState> users = state.store(Catalogue.USER_STATE_STORE, partition, replica);
        UserState user = users.get(userId);
        if (user == null || user.getErased()) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, UserProfile> profiles = state.store(Catalogue.PROFILE_STORE, partition, replica);
        UserProfile profile = profiles.get(userId);
        ObjectNode body = json().put("userId", userId);
        ObjectNode traits = body.putObject("traits");
        ArrayNode anonymousIds = body.putArray("anonymousIds");
        ArrayNode mergedIds = body.putArray("mergedIds");
        long anonymousIdCount = 0;
        long mergedIdCount = 0;
        if (profile != null) {
            Map<String, TraitValue> sorted = new TreeMap<>(profile.getTraits());
            sorted.forEach((name, value) -> traits.set(name, parse(value.getJson())));
            profile.getAnonymousIds().forEach(anonymousIds::add);
            profile.getMergedIds().forEach(mergedIds::add);
            anonymousIdCount = profile.getAnonymousIds().size() + profile.getUnlistedAnonymousIds();
            mergedIdCount = profile.getMergedIds().size() + profile.getUnlistedMergedIds();
        }
        // The lists hold the latest ids, up to a bound; the counts say how many the user has in all.
        body.put("anonymousIdCount", anonymousIdCount);
        body.put("mergedIdCount", mergedIdCount);
        body.put("firstSeen", Instant.ofEpochMilli(user.getFirstSeen()).toString());
        body.put("lastSeen", Instant.ofEpochMilli(user.getLastSeen()).toString());
        body.put("eventCount", user.getEventCount());
        body.set("firstTouch", profile == null ? null : touchJson(profile.getFirstTouch()));
        body.set("latestTouch", profile == null ? null : touchJson(profile.getLatestTouch()));
        return Optional.of(body);
    }

    /** A touch as the profile shows it; JSON null for none. */
    private static JsonNode touchJson(Touch touch) {
        if (touch == null) {
            return NullNode.getInstance();
        }
        ObjectNode json = json().put("at", Instant.ofEpochMilli(touch.getAt()).toString()).put("messageId", touch.getMessageId());
        Campaign campaign = touch.getCampaign();
        if (campaign == null) {
            json.putNull("campaign");
        } else {
            json.putObject("campaign").put("source", campaign.getSource()).put("medium", campaign.getMedium())
                    .put("name", campaign.getName()).put("term", campaign.getTerm()).put("content", campaign.getContent());
        }
        json.put("referrer", touch.getReferrer());
        if (touch.getLandingUrl() == null && touch.getLandingPath() == null) {
            json.putNull("landingPage");
        } else {
            json.putObject("landingPage").put("url", touch.getLandingUrl()).put("path", touch.getLandingPath());
        }
        return json;
    }

    /** Whether the user was erased and its later events are dropped (R13, with suppression). */
    boolean isErased(String userId, int partition) {
        ReadOnlyKeyValueStore<String, UserState> users = state.store(Catalogue.USER_STATE_STORE, partition, replica);
        UserState user = users.get(userId);
        return user != null && user.getErased();
    }

    /** The user {@code userId} is a name of, when it was merged into another user (R8). */
    Optional<String> mergedInto(String userId, int partition) {
        ReadOnlyKeyValueStore<String, String> merged = state.store(Catalogue.MERGED_TIMELINES_STORE, partition, replica);
        return Optional.ofNullable(merged.get(userId));
    }

    /** The user an anonymous id is linked to, null while it is not linked. */
    Optional<ObjectNode> anonymous(String anonymousId, int partition) {
        ReadOnlyKeyValueStore<String, IdentityState> identities = state.store(Catalogue.IDENTITIES_STORE, partition, replica);
        IdentityState identity = identities.get(anonymousId);
        if (identity == null) {
            return Optional.empty();
        }
        ObjectNode body = json().put("anonymousId", anonymousId);
        body.put("userId", identity.getUserId());
        return Optional.of(body);
    }

    private static ObjectNode eventJson(TimelineEvent timelineEvent) {
        SegmentEvent event = timelineEvent.getEvent();
        JsonNode original = parse(event.getJson());
        ObjectNode json = json()
                .put("messageId", event.getMessageId())
                .put("type", event.getType());
        if (event.getEvent() != null) {
            json.put("event", event.getEvent());
        }
        if (event.getName() != null) {
            json.put("name", event.getName());
        }
        json.put("timestamp", event.getTimestamp().toString())
                .put("receivedAt", event.getReceivedAt().toString())
                .put("userId", event.getUserId())
                .put("anonymousId", event.getAnonymousId() != null ? event.getAnonymousId() : event.getContextAnonymousId())
                .put("stitched", timelineEvent.getStitched())
                .put("late", timelineEvent.getLate());
        for (String part : new String[]{"properties", "traits", "context"}) {
            JsonNode value = original.get(part);
            if (value != null) {
                json.set(part, value);
            }
        }
        return json;
    }

    private static boolean hasEvents(ReadOnlyKeyValueStore<Bytes, byte[]> timelines, Bytes prefix) {
        try (KeyValueIterator<Bytes, byte[]> first = timelines.range(prefix, null)) {
            return first.hasNext() && startsWith(first.next().key, prefix);
        }
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        byte[] k = key.get();
        byte[] p = prefix.get();
        return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
    }

    private static ObjectNode json() {
        return SegmentEventParser.JSON.createObjectNode();
    }

    private static JsonNode parse(String text) {
        try {
            return SegmentEventParser.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Stored JSON was valid when it was stored; say so rather than fail the whole answer.
            return SegmentEventParser.JSON.getNodeFactory().textNode(text);
        }
    }
}
