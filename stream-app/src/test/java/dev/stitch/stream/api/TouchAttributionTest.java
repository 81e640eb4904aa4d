package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.serverIdentify;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * First-touch and latest-touch attribution on the profile: the earliest and the latest event by event
 * time with a {@code context.page} or a {@code context.campaign}, stitched anonymous history included,
 * whatever the order the events arrive in.
 */
class TouchAttributionTest {

    private static final String LANDING = "https://shop.example.com/winter/sale?utm_source=newsletter&utm_medium=email"
            + "&utm_campaign=winter%20sale&ref=x#top";

    private final StitchDriver stitch = new StitchDriver();
    private final UserQueries queries = new UserQueries(new DriverStateAccess(stitch),
            stitch.serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline());

    @AfterEach
    void close() {
        stitch.close();
    }

    @Test
    void theFirstTouchIsTheStitchedAnonymousLandingPageWithItsUtmSourceAndTheLatestTheLastPage() {
        stitch.send(withContext(page("p1", "pixel-1", "Winter sale", at(1)),
                        "{\"page\":{\"url\":\"" + LANDING + "\",\"referrer\":\"https://mail.example.com/\"}}"))
                .send(withContext(page("p2", "pixel-1", "Pricing", at(2)), "{\"page\":{\"url\":\"https://shop.example.com/pricing\","
                        + "\"path\":\"/pricing\",\"referrer\":\"" + LANDING + "\"}}"))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(3)))
                .send(track("t1", "user-42", null, "Order Completed", at(4)))
                .settle();

        ObjectNode profile = queries.profile("user-42", 0).orElseThrow();
        assertThat(profile.get("firstTouch").toString()).isEqualTo("{\"at\":\"2026-11-02T10:00:01Z\",\"messageId\":\"p1\","
                + "\"campaign\":{\"source\":\"newsletter\",\"medium\":\"email\",\"name\":\"winter sale\",\"term\":null,\"content\":null},"
                + "\"referrer\":\"https://mail.example.com/\",\"landingPage\":{\"url\":\"" + LANDING + "\",\"path\":\"/winter/sale\"}}");
        assertThat(profile.get("latestTouch").toString()).isEqualTo("{\"at\":\"2026-11-02T10:00:02Z\",\"messageId\":\"p2\","
                + "\"campaign\":null,\"referrer\":\"" + LANDING + "\",\"landingPage\":{\"url\":\"https://shop.example.com/pricing\","
                + "\"path\":\"/pricing\"}}");
    }

    @Test
    void aLateEventEarlierThanTheFirstTouchReplacesItAndOneInBetweenChangesNothing() {
        stitch.send(withContext(page("p1", "pixel-1", "Home", at(10)), "{\"page\":{\"url\":\"https://shop.example.com/\"}}"))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(20)))
                .send(withContext(track("t1", "user-42", null, "Viewed", at(30)), "{\"page\":{\"url\":\"https://shop.example.com/cart\"}}"))
                .settle();
        stitch.send(withContext(page("p0", "pixel-1", "Ad", at(5)),
                        "{\"campaign\":{\"source\":\"ads\",\"medium\":\"cpc\",\"name\":\"spring\",\"term\":\"shoes\",\"content\":\"banner\"},"
                                + "\"page\":{\"url\":\"https://shop.example.com/ad?utm_source=ignored\"}}"), at(60))
                .send(withContext(page("p15", "pixel-1", "Between", at(15)), "{\"page\":{\"url\":\"https://shop.example.com/between\"}}"), at(61))
                .settle();

        ObjectNode profile = queries.profile("user-42", 0).orElseThrow();
        assertThat(profile.get("firstTouch").get("messageId").asText()).isEqualTo("p0");
        assertThat(profile.get("firstTouch").get("campaign").toString()).as("context.campaign before the URL's utm_* parameters")
                .isEqualTo("{\"source\":\"ads\",\"medium\":\"cpc\",\"name\":\"spring\",\"term\":\"shoes\",\"content\":\"banner\"}");
        assertThat(profile.get("firstTouch").get("landingPage").get("path").asText()).isEqualTo("/ad");
        assertThat(profile.get("latestTouch").get("messageId").asText()).isEqualTo("t1");
        assertThat(profile.get("latestTouch").get("landingPage").get("path").asText()).isEqualTo("/cart");
    }

    @Test
    void aCampaignWithoutAPageIsATouchAndEventsWithNeitherAreNot() {
        stitch.send(withContext(track("t1", "user-1", null, "Opened email", at(1)), "{\"campaign\":{\"source\":\"crm\"}}"))
                .send(withContext(track("t2", "user-1", null, "Order Completed", at(2)), "{\"ip\":\"203.0.113.7\"}"))
                .send(track("t3", "user-2", null, "Opened", at(3)))
                .settle();

        ObjectNode first = queries.profile("user-1", 0).orElseThrow();
        assertThat(first.get("firstTouch").toString()).isEqualTo("{\"at\":\"2026-11-02T10:00:01Z\",\"messageId\":\"t1\","
                + "\"campaign\":{\"source\":\"crm\",\"medium\":null,\"name\":null,\"term\":null,\"content\":null},"
                + "\"referrer\":null,\"landingPage\":null}");
        assertThat(first.get("latestTouch").get("messageId").asText()).isEqualTo("t1");
        ObjectNode none = queries.profile("user-2", 0).orElseThrow();
        assertThat(none.get("firstTouch").isNull()).isTrue();
        assertThat(none.get("latestTouch").isNull()).isTrue();
    }

    @Test
    void aMergedUsersTouchesReachItsUserAndCompeteThere() {
        stitch.send(withContext(track("p1", "user-p", null, "Visited", at(1)), "{\"page\":{\"url\":\"https://a.example/p?utm_source=p\"}}"))
                .send(withContext(track("u1", "user-u", null, "Visited", at(2)), "{\"page\":{\"url\":\"https://a.example/u?utm_source=u\"}}"))
                .settle()
                .send(alias("a1", "user-p", "user-u", null, at(3)))
                .settle();

        ObjectNode profile = queries.profile("user-u", 0).orElseThrow();
        assertThat(profile.get("firstTouch").get("campaign").get("source").asText()).isEqualTo("p");
        assertThat(profile.get("latestTouch").get("campaign").get("source").asText()).isEqualTo("u");
    }

    @Test
    void hostileUrlsAndLongTextsGiveBoundedTouches() {
        String longPath = "/" + "x".repeat(5000);
        stitch.send(withContext(track("t1", "user-1", null, "Visited", at(1)),
                "{\"page\":{\"url\":\"no scheme" + longPath + "?utm_source=%zz&utm_source=second&utm_medium\",\"referrer\":42}}")).settle();

        JsonNode touch = queries.profile("user-1", 0).orElseThrow().get("firstTouch");
        assertThat(touch.get("campaign").get("source").asText()).as("a broken escape is kept as it came; the first value counts")
                .isEqualTo("%zz");
        assertThat(touch.get("campaign").get("medium").isNull()).isTrue();
        assertThat(touch.get("referrer").asText()).isEqualTo("42");
        assertThat(touch.get("landingPage").get("url").asText()).hasSize(1024);
        assertThat(touch.get("landingPage").get("path").asText()).hasSize(1024);
    }

    /** The event with {@code context} set to the JSON given (kept with its anonymousId, if any). */
    private static SegmentEvent withContext(SegmentEvent event, String context) {
        try {
            ObjectNode json = (ObjectNode) SegmentEventParser.JSON.readTree(event.getJson());
            ObjectNode merged = (ObjectNode) SegmentEventParser.JSON.readTree(context);
            if (json.get("context") instanceof ObjectNode existing) {
                merged.setAll(existing);
            }
            json.set("context", merged);
            event.setJson(json.toString());
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
