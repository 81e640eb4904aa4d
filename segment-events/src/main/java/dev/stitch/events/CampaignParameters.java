package dev.stitch.events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The campaign a page's URL names in its {@code utm_*} query parameters, under the names of Segment's
 * {@code context.campaign}: {@code utm_source} is {@code source}, {@code utm_campaign} is {@code name},
 * and so on. The bridge fills {@code context.campaign} from it for the pixel, the timeline stage reads
 * it for events that carry a page but no campaign.
 */
public final class CampaignParameters {

    private static final Map<String, String> FIELDS = Map.of(
            "utm_source", "source", "utm_medium", "medium", "utm_campaign", "name", "utm_term", "term", "utm_content", "content");

    private CampaignParameters() {
    }

    /** The campaign fields named by what follows the {@code ?} of {@code url} (up to a {@code #}); empty when none. */
    public static Map<String, String> ofUrl(String url) {
        int question = url.indexOf('?');
        if (question < 0) {
            return Map.of();
        }
        int hash = url.indexOf('#', question);
        return ofQuery(url.substring(question + 1, hash < 0 ? url.length() : hash));
    }

    /**
     * The campaign fields a query string ({@code a=1&b=2}) names, decoded, in Segment's names. The first
     * usable value of each counts; an empty one, or one whose escapes do not decode, is left out.
     */
    public static Map<String, String> ofQuery(String query) {
        Map<String, String> campaign = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? null : decoded(pair.substring(0, equals));
            String field = name == null ? null : FIELDS.get(name);
            if (field == null || campaign.containsKey(field)) {
                continue;
            }
            String value = decoded(pair.substring(equals + 1));
            if (value != null && !value.isEmpty()) {
                campaign.put(field, value);
            }
        }
        return campaign;
    }

    private static String decoded(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
