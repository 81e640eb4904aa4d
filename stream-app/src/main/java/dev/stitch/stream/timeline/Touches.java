package dev.stitch.stream.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.Campaign;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.UserProfile;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
        JsonNode page = objectOrNull(context.get("page"));
        JsonNode campaign = objectOrNull(context.get("campaign"));
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

    private static Campaign fromContext(JsonNode campaign) {
        Campaign read = new Campaign(text(campaign.get("source")), text(campaign.get("medium")), text(campaign.get("name")),
                text(campaign.get("term")), text(campaign.get("content")));
        return isEmpty(read) ? null : read;
    }

    /** The {@code utm_*} parameters of the URL's query, else of {@code context.page.search}. */
    private static Campaign fromUrl(String url, String search) {
        String query = url == null ? null : queryOf(url);
        if (query == null && search != null) {
            query = search.startsWith("?") ? search.substring(1) : search;
        }
        if (query == null) {
            return null;
        }
        Map<String, String> utm = new HashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.startsWith("utm_")) {
                utm.putIfAbsent(pair.substring(0, equals), cut(decoded(pair.substring(equals + 1))));
            }
        }
        Campaign read = new Campaign(utm.get("utm_source"), utm.get("utm_medium"), utm.get("utm_campaign"), utm.get("utm_term"),
                utm.get("utm_content"));
        return isEmpty(read) ? null : read;
    }

    private static boolean isEmpty(Campaign campaign) {
        return campaign.getSource() == null && campaign.getMedium() == null && campaign.getName() == null
                && campaign.getTerm() == null && campaign.getContent() == null;
    }

    private static String queryOf(String url) {
        int question = url.indexOf('?');
        if (question < 0) {
            return null;
        }
        int hash = url.indexOf('#', question);
        return url.substring(question + 1, hash < 0 ? url.length() : hash);
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

    private static String decoded(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A broken escape (%zz): the text as it came.
            return value;
        }
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

    private static String cut(String text) {
        if (text.length() <= MAX_TEXT_LENGTH) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT_LENGTH - 1)) ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
        return text.substring(0, end);
    }
}
