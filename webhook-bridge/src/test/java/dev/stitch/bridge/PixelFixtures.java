package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The request bodies the real pixel posted ({@code src/test/resources/pixel/}, where a README says how they
 * were captured), as text and as JSON.
 */
final class PixelFixtures {

    /** The keys the pixel was set up with when the fixtures were captured: a browser key and a server one. */
    static final String BROWSER_TOKEN = "pk_capture_key";
    static final String SERVER_TOKEN = "sk_capture_key";

    static final List<String> BROWSER = List.of("browser-pageview-initial.json", "browser-track.json", "browser-identify.json",
            "browser-pageview-direct.json", "browser-group.json", "browser-autocapture.json", "browser-pageleave.json",
            "browser-beacon-track.json", "browser-randomized-track.json");
    static final List<String> SERVER = List.of("server-identify.json", "server-track.json");

    private PixelFixtures() {
    }

    /** The body as the pixel posted it. */
    static String body(String name) {
        try (InputStream in = PixelFixtures.class.getResourceAsStream("/pixel/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as JSON: an array of events or one event. */
    static JsonNode json(String name) {
        try {
            return SegmentEventParser.JSON.readTree(body(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The (first) event of the body. */
    static ObjectNode event(String name) {
        JsonNode json = json(name);
        return (ObjectNode) (json.isArray() ? json.get(0) : json);
    }

    /** The body with every event's {@code utc_time} set to {@code time}, so that it lies within the bridge's window now. */
    static String bodyAt(String name, Instant time) {
        JsonNode json = json(name);
        if (json instanceof ArrayNode array) {
            array.forEach(event -> ((ObjectNode) event).put("utc_time", time.toString()));
        } else {
            ((ObjectNode) json).put("utc_time", time.toString());
        }
        return json.toString();
    }
}
