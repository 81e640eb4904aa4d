package dev.stitch.stream.timeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.CampaignParameters;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.Campaign;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.UserProfile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * First-touch and latest-touch attribution: a touch is an event with a {@code context.page} or a
 * {@code context.campaign}; it records when it happened, its campaign (from {@code context.campaign},
 * else the page URL's {@code utm_*} parameters), its referrer and its landing page. A profile keeps
 * the earliest and the latest by event time (then messageId), so an event that arrives late and is
 * earlier than the first touch replaces it, whatever the order of arrival.
 */
final class Touches {

    /** Characters kept of each text of a touch: a touch stays small whatever a page URL holds. */
    static final int MAX_TEXT_LENGTH = 1024;

    private static final Comparator<SegmentEvent> TIMELINE_ORDER = Comparator
            .comparingLong((SegmentEvent event) -> event.getTimestamp().toEpochMilli()).thenComparing(SegmentEvent::getMessageId);

    private Touches() {
    }

    /**
     * Whether the event's JSON could hold a touch: a cheap look at its text, so that the events that
     * cannot (most server-side events) are not parsed for it.
     */
    static boolean mayBeTouch(String json) {
        return json.contains("\"page\"") || json.contains("\"campaign\"");
    }

    /** The touch the event is, or null when it has neither a {@code context.page} nor a {@code context.campaign}. */
    static Touch of(SegmentEvent event, JsonNode json) {
        JsonNode context = json.get("context");
        if (context == null || !context.isObject()) {
            return null;
        }
        return of(event, objectOrNull(context.get("page")), objectOrNull(context.get("campaign")));
    }

    /**
     * The touch the event is, read from its JSON without building a tree of all of it: only
     * {@code context.page} and {@code context.campaign} are read, the rest is skipped. As
     * {@link #of(SegmentEvent, JsonNode)}, a repeated name counts by its last occurrence.
     */
    static Touch read(SegmentEvent event) {
        JsonNode page = null;
        JsonNode campaign = null;
        try (JsonParser parser = SegmentEventParser.JSON.createParser(event.getJson())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean context = "context".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (!context) {
                    parser.skipChildren();
                    continue;
                }
                page = null;
                campaign = null;
                if (value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken part = parser.nextToken();
                    if ("page".equals(name)) {
                        page = objectOrSkipped(parser, part);
                    } else if ("campaign".equals(name)) {
                        campaign = objectOrSkipped(parser, part);
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            // The bridge and the decoder only pass valid JSON; a touch is no reason to stop the stream.
            return null;
        }
        return of(event, page, campaign);
    }

    /**
     * Takes the earliest and the latest touch among {@code candidates} (events that {@link #mayBeTouch}
     * may be touches) into the profile, as taking each in turn would: only the first and the latest
     * touch are kept, so only the events at the two ends are read, and none that could not change them.
     *
     * @return whether the profile changed
     */
    static boolean takeEarliestAndLatest(UserProfile profile, List<SegmentEvent> candidates) {
        // Sorted copies, both stable: of events at the same place, the first to come counts, as in turn.
        List<SegmentEvent> earliestFirst = new ArrayList<>(candidates);
        earliestFirst.sort(TIMELINE_ORDER);
        boolean changed = false;
        for (SegmentEvent event : earliestFirst) {
            if (profile.getFirstTouch() != null && !earlier(event, profile.getFirstTouch())) {
                break;
            }
            Touch touch = read(event);
            if (touch != null) {
                changed = take(profile, touch);
                break;
            }
        }
        List<SegmentEvent> latestFirst = new ArrayList<>(candidates);
        latestFirst.sort(TIMELINE_ORDER.reversed());
        for (SegmentEvent event : latestFirst) {
            if (profile.getLatestTouch() != null && !later(event, profile.getLatestTouch())) {
                break;
            }
            Touch touch = read(event);
            if (touch != null) {
                changed |= take(profile, touch);
                break;
            }
        }
        return changed;
    }

    private static Touch of(SegmentEvent event, JsonNode page, JsonNode campaign) {
        if (page == null && campaign == null) {
            return null;
        }
        String url = page == null ? null : raw(page.get("url"));
        String path = page == null ? null : text(page.get("path"));
        if (path == null && url != null) {
            path = pathOf(url);
        }
        Campaign named = campaign == null ? null : fromContext(campaign);
        return new Touch(event.getTimestamp().toEpochMilli(), event.getMessageId(),
                named != null ? named : fromUrl(url, page == null ? null : raw(page.get("search"))),
                page == null ? null : text(page.get("referrer")), url == null ? null : cut(url), path);
    }

    /**
     * Takes {@code touch} into the profile's first and latest touch when it is earlier than the first or
     * later than the latest.
     *
     * @return whether the profile changed
     */
    static boolean take(UserProfile profile, Touch touch) {
        boolean changed = false;
        if (profile.getFirstTouch() == null || earlier(touch, profile.getFirstTouch())) {
            profile.setFirstTouch(touch);
            changed = true;
        }
        if (profile.getLatestTouch() == null || earlier(profile.getLatestTouch(), touch)) {
            profile.setLatestTouch(touch);
            changed = true;
        }
        return changed;
    }

    /** By event time, then messageId, as the timeline orders events. */
    static boolean earlier(Touch a, Touch b) {
        return a.getAt() < b.getAt() || (a.getAt() == b.getAt() && a.getMessageId().compareTo(b.getMessageId()) < 0);
    }

    private static boolean earlier(SegmentEvent event, Touch touch) {
        long at = event.getTimestamp().toEpochMilli();
        return at < touch.getAt() || (at == touch.getAt() && event.getMessageId().compareTo(touch.getMessageId()) < 0);
    }

    private static boolean later(SegmentEvent event, Touch touch) {
        long at = event.getTimestamp().toEpochMilli();
        return at > touch.getAt() || (at == touch.getAt() && event.getMessageId().compareTo(touch.getMessageId()) > 0);
    }

    private static JsonNode objectOrSkipped(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            return SegmentEventParser.JSON.readTree(parser);
        }
        parser.skipChildren();
        return null;
    }

    private static Campaign fromContext(JsonNode campaign) {
        Campaign read = new Campaign(text(campaign.get("source")), text(campaign.get("medium")), text(campaign.get("name")),
                text(campaign.get("term")), text(campaign.get("content")));
        return isEmpty(read) ? null : read;
    }

    /** The {@code utm_*} parameters of the URL's query, else of {@code context.page.search}. */
    private static Campaign fromUrl(String url, String search) {
        Map<String, String> utm;
        if (url != null && url.indexOf('?') >= 0) {
            utm = CampaignParameters.ofUrl(url);
        } else if (search != null) {
            utm = CampaignParameters.ofQuery(search.startsWith("?") ? search.substring(1) : search);
        } else {
            return null;
        }
        Campaign read = new Campaign(cutOrNull(utm.get("source")), cutOrNull(utm.get("medium")), cutOrNull(utm.get("name")),
                cutOrNull(utm.get("term")), cutOrNull(utm.get("content")));
        return isEmpty(read) ? null : read;
    }

    private static boolean isEmpty(Campaign campaign) {
        return campaign.getSource() == null && campaign.getMedium() == null && campaign.getName() == null
                && campaign.getTerm() == null && campaign.getContent() == null;
    }

    /** The path of an absolute URL ({@code https://host/path?query}), or of a relative one. */
    private static String pathOf(String url) {
        int start = 0;
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int slash = url.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            start = slash;
        }
        int end = url.length();
        for (char stop : new char[]{'?', '#'}) {
            int at = url.indexOf(stop, start);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return cut(url.substring(start, end));
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    /** A value's text, cut to the bound. */
    private static String text(JsonNode node) {
        String text = raw(node);
        return text == null ? null : cut(text);
    }

    /** A value's text: a string as it is, a number or boolean by its JSON text; anything else, or an empty text, none. */
    private static String raw(JsonNode node) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    private static String cutOrNull(String text) {
        return text == null ? null : cut(text);
    }

    private static String cut(String text) {
        if (text.length() <= MAX_TEXT_LENGTH) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT_LENGTH - 1)) ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
        return text.substring(0, end);
    }
}
