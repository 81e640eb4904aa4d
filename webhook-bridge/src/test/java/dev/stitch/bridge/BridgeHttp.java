package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/** Talks to a running bridge over real HTTP with the JDK's client. */
final class BridgeHttp {

    static final String KEY = "wk-test";
    static final String OTHER_KEY = "wk-other";
    /** A browser (public) key; {@link #KEY} and {@link #OTHER_KEY} are server keys. */
    static final String BROWSER_KEY = "pk-test";
    /** The one origin the test bridge answers browser keys with CORS for. */
    static final String SHOP_ORIGIN = "https://shop.example.com";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    BridgeHttp(int port) {
        this.port = port;
    }

    /** An answer: status, headers and body. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return SegmentEventParser.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    /** POSTs JSON with the test key as Basic auth. */
    Answer post(String path, String json) {
        return send(request(path).header("Authorization", basic(KEY)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POSTs JSON with the browser key as Basic auth, from the shop's page. */
    Answer postFromBrowser(String path, String json) {
        return send(request(path).header("Authorization", basic(BROWSER_KEY)).header("Content-Type", "application/json")
                .header("Origin", SHOP_ORIGIN).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer post(String path, byte[] body, String... headers) {
        HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder);
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer send(HttpRequest.Builder request) {
        return sendAsync(request).join();
    }

    CompletableFuture<Answer> sendAsync(HttpRequest.Builder request) {
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.headers(), response.body()));
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) SegmentEventParser.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
