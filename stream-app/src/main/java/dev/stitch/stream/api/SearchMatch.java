package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user a search found, and by what: its user id, an anonymous id linked to it, its email, or
 * another trait's value.
 *
 * @param trait the trait's name when matched by email or trait, else null
 */
record SearchMatch(String userId, MatchedBy matchedBy, String trait, String value) {

    /** What a search matched, the strongest first: a user found several ways is listed once, by the strongest. */
    enum MatchedBy {
        USER_ID("userId"), ANONYMOUS_ID("anonymousId"), EMAIL("email"), TRAIT("trait");

        private final String json;

        MatchedBy(String json) {
            this.json = json;
        }

        String json() {
            return json;
        }

        static MatchedBy of(String json) {
            for (MatchedBy by : values()) {
                if (by.json.equals(json)) {
                    return by;
                }
            }
            throw new IllegalArgumentException("no such match kind: " + json);
        }
    }

    /** The order of an answer: the strongest match first, then by userId, then by trait name. */
    private static final Comparator<SearchMatch> ORDER = Comparator.comparing(SearchMatch::matchedBy)
            .thenComparing(SearchMatch::userId)
            .thenComparing(match -> match.trait() == null ? "" : match.trait());

    /** The matches in answer order, each user once (by its strongest match), at most {@code limit} of them. */
    static List<SearchMatch> answer(Collection<SearchMatch> matches, int limit) {
        List<SearchMatch> sorted = new ArrayList<>(matches);
        sorted.sort(ORDER);
        Map<String, SearchMatch> byUser = new LinkedHashMap<>();
        for (SearchMatch match : sorted) {
            if (byUser.size() == limit) {
                break;
            }
            byUser.putIfAbsent(match.userId(), match);
        }
        return new ArrayList<>(byUser.values());
    }

    ObjectNode json() {
        ObjectNode json = SegmentEventParser.JSON.createObjectNode().put("userId", userId).put("matchedBy", matchedBy.json());
        if (trait != null) {
            json.put("trait", trait);
        }
        return json.put("value", value);
    }

    static SearchMatch fromJson(JsonNode json) {
        JsonNode trait = json.get("trait");
        return new SearchMatch(json.get("userId").asText(), MatchedBy.of(json.get("matchedBy").asText()),
                trait == null || trait.isNull() ? null : trait.asText(), json.get("value").asText());
    }
}
