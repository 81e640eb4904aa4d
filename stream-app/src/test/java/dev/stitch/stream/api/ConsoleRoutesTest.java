package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.console.ActivityEvent;
import dev.stitch.stream.console.ActivityRing;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's pages and its activity endpoint over real HTTP: public files with strict headers, data behind the token. */
class ConsoleRoutesTest {

    private static final String TOKEN = "console-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final StitchDriver stitch = new StitchDriver();
    private final ActivityRing ring = new ActivityRing(10, 10);
    private QueryApi api;

    @BeforeEach
    void start() {
        api = QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"), stitch.serdes().timelineEvent().deserializer(),
                StitchSettings.defaults().topics().timeline(), userId -> CompletableFuture.completedFuture("unused"),
                ErasableUserIds.defaults(), ring);
    }

    @AfterEach
    void stop() {
        api.close();
        stitch.close();
    }

    @Test
    void servesThePagesWithoutATokenUnderAPolicyThatAllowsNoInlineScriptOrFraming() throws Exception {
        HttpResponse<String> page = get("/console/", null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        // Every script is a file of the console's own, and no element carries an inline handler.
        assertThat(Pattern.compile("<script(?![^>]*\\ssrc=)", Pattern.CASE_INSENSITIVE).matcher(page.body()).find()).isFalse();
        assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(page.body()).find()).isFalse();

        HttpResponse<String> script = get("/console/console.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).get().asString().contains("javascript");
        assertThat(script.body()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(get("/console/console.css", null).statusCode()).isEqualTo(200);
    }

    @Test
    void sendsTheBareAddressesToTheConsole() throws Exception {
        for (String path : new String[]{"/", "/console"}) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).as(path).contains("/console/");
        }
    }

    @Test
    void aFileTheConsoleDoesNotHaveIsAJsonNotFound() throws Exception {
        HttpResponse<String> answer = get("/console/../logback.xml", null);

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(json(answer).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void theActivityNeedsTheToken() throws Exception {
        ring.add(event("m1", "pixel-1"));

        for (String token : new String[]{null, "wrong"}) {
            HttpResponse<String> answer = get("/v1/activity", token);
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(answer.body()).doesNotContain("m1", "pixel-1");
            assertThat(json(answer).get("error").asText()).isEqualTo("unauthorized");
        }
    }

    @Test
    void answersTheNewestEventsMarkedAndWhatCameAfterACursor() throws Exception {
        ring.add(event("m1", "pixel-1"));
        ring.add(new ActivityEvent(false, "user-1", null, "pixel-1", null, "m2", "page", "Home", 1_000, 2_000, 1L, true, false));

        JsonNode first = json(get("/v1/activity", TOKEN));
        assertThat(first.get("events")).hasSize(2);
        JsonNode stitched = first.get("events").get(0);
        assertThat(stitched.get("messageId").asText()).isEqualTo("m2");
        assertThat(stitched.get("mark").asText()).isEqualTo("stitched");
        assertThat(stitched.get("userId").asText()).isEqualTo("user-1");
        assertThat(stitched.get("timestamp").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(stitched.get("sequence").asLong()).isEqualTo(1);
        assertThat(first.get("events").get(1).get("mark").asText()).isEqualTo("anonymous");

        ring.add(event("m3", "pixel-2"));
        JsonNode since = json(get("/v1/activity?after=" + first.get("cursor").asText(), TOKEN));
        assertThat(since.get("events")).extracting(e -> e.get("messageId").asText()).containsExactly("m3");

        JsonNode filtered = json(get("/v1/activity?type=track&id=pixel-2", TOKEN));
        assertThat(filtered.get("events")).extracting(e -> e.get("messageId").asText()).containsExactly("m3");
    }

    @Test
    void refusesABadCursorOrLimitNamingTheParameter() throws Exception {
        for (String[] query : new String[][]{{"after=nonsense", "after"}, {"limit=0", "limit"}, {"limit=501", "limit"},
                {"type=" + "x".repeat(65), "type"}}) {
            HttpResponse<String> answer = get("/v1/activity?" + query[0], TOKEN);
            assertThat(answer.statusCode()).as(query[0]).isEqualTo(400);
            assertThat(json(answer).get("field").asText()).as(query[0]).isEqualTo(query[1]);
        }
    }

    private static ActivityEvent event(String messageId, String anonymousId) {
        return new ActivityEvent(true, null, null, anonymousId, null, messageId, "track", "Clicked", 1_000, 1_000, null, false, false);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> answer) throws Exception {
        return SegmentEventParser.JSON.readTree(answer.body());
    }
}
