package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.SegmentEventParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each event type and each field the real pixel sent, as the Segment event it becomes. */
class PixelEventMapperTest {

    private static final PixelEventMapper.Arrival FROM_BROWSER = new PixelEventMapper.Arrival(false, "198.51.100.7", PixelIpPolicy.KEEP);
    private static final PixelEventMapper.Arrival FROM_SERVER = new PixelEventMapper.Arrival(true, "10.0.0.5", PixelIpPolicy.KEEP);

    private static ObjectNode mapped(String fixture) {
        return PixelEventMapper.map(PixelFixtures.event(fixture), FROM_BROWSER);
    }

    @Test
    void mapsAPageviewOntoAPageNamedByItsTitle() {
        ObjectNode page = mapped("browser-pageview-initial.json");

        assertThat(page.get("type").textValue()).isEqualTo("page");
        assertThat(page.get("name").textValue()).isEqualTo("Pricing – Example Shop");
        assertThat(page.has("event")).isFalse();
        assertThat(page.get("properties")).isEqualTo(PixelFixtures.event("browser-pageview-initial.json").get("event_attributes"));
    }

    @Test
    void mapsAUserIdentifyOntoAnIdentifyWithTheUsersOtherPropertiesAsTraits() {
        ObjectNode identify = mapped("browser-identify.json");

        assertThat(identify.get("type").textValue()).isEqualTo("identify");
        assertThat(identify.get("userId").textValue()).isEqualTo("user-42");
        assertThat(identify.get("anonymousId").textValue()).isEqualTo("510x2n3419");
        assertThat(identify.get("traits")).isEqualTo(BridgeHttp.object(
                "{\"email\":\"ada@example.com\",\"first_name\":\"Ada\",\"plan\":\"pro\",\"created_at\":\"2026-11-02T10:00:00Z\"}"));
        assertThat(identify.has("properties")).isFalse();
    }

    @Test
    void mapsACustomEventOntoATrackOfThatNameWithItsAttributesAsProperties() {
        ObjectNode track = mapped("browser-track.json");

        assertThat(track.get("type").textValue()).isEqualTo("track");
        assertThat(track.get("event").textValue()).isEqualTo("signup_clicked");
        assertThat(track.get("properties")).isEqualTo(BridgeHttp.object(
                "{\"plan\":\"pro\",\"price\":49.9,\"seats\":3,\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":true}}"));
    }

    @Test
    void keepsTheAttributesNumbersAsSent() {
        ObjectNode track = mapped("browser-track.json");

        assertThat(track.toString()).contains("\"price\":49.9,\"seats\":3");
    }

    @Test
    void mapsAnAutocaptureOntoATrackWithTheClickedElementAsProperties() {
        ObjectNode track = mapped("browser-autocapture.json");

        assertThat(track.get("type").textValue()).isEqualTo("track");
        assertThat(track.get("event").textValue()).isEqualTo("$autocapture");
        assertThat(track.get("properties").get("tag_name").textValue()).isEqualTo("button");
        assertThat(track.get("properties").get("el_text").textValue()).isEqualTo("Buy Pro");
        assertThat(track.get("context").get("pixel").has("autocapture_attributes")).isFalse();
    }

    @Test
    void mapsAPageleaveOntoATrack() {
        ObjectNode track = mapped("browser-pageleave.json");

        assertThat(track.get("type").textValue()).isEqualTo("track");
        assertThat(track.get("event").textValue()).isEqualTo("$pageleave");
    }

    @Test
    void mapsAGroupOntoAGroupOfTheCompanyWithItsOtherPropertiesAsTraits() {
        ObjectNode group = mapped("browser-group.json");

        assertThat(group.get("type").textValue()).isEqualTo("group");
        assertThat(group.get("groupId").textValue()).isEqualTo("acme");
        assertThat(group.get("traits")).isEqualTo(BridgeHttp.object(
                "{\"name\":\"Acme Inc\",\"created_at\":\"2026-01-15T00:00:00Z\",\"plan\":\"enterprise\"}"));
        assertThat(group.get("context").get("traits").get("email").textValue()).isEqualTo("ada@example.com");
    }

    @Test
    void takesTheEventIdAsTheMessageId() {
        assertThat(mapped("browser-track.json").get("messageId").textValue()).isEqualTo("1h1t2a6t31");
    }

    @Test
    void takesTheCookiesAnonymousIdAndLeavesTheUserIdOutBeforeTheVisitorIsIdentified() {
        ObjectNode track = mapped("browser-track.json");

        assertThat(track.get("anonymousId").textValue()).isEqualTo("510x2n3419");
        assertThat(track.has("userId")).isFalse();
    }

    @Test
    void putsTheUsersPropertiesOfAnEventOtherThanAnIdentifyInContextTraits() {
        ObjectNode page = mapped("browser-pageview-direct.json");

        assertThat(page.get("userId").textValue()).isEqualTo("user-42");
        assertThat(page.get("context").get("traits").get("email").textValue()).isEqualTo("ada@example.com");
        assertThat(page.has("traits")).isFalse();
    }

    @Test
    void takesUtcTimeAsTheTimestamp() {
        assertThat(mapped("browser-track.json").get("timestamp").textValue()).isEqualTo("2026-12-02T00:19:23.697Z");
    }

    @Test
    void fillsContextPageFromTheDocumentFields() {
        JsonNode page = mapped("browser-track.json").get("context").get("page");

        assertThat(page.get("url").textValue()).startsWith("http://localhost:9301/shop/pricing?plan=pro&utm_source=newsletter");
        assertThat(page.get("path").textValue()).isEqualTo("/shop/pricing");
        assertThat(page.get("search").textValue()).startsWith("?plan=pro&utm_source=newsletter");
        assertThat(page.get("title").textValue()).isEqualTo("Pricing – Example Shop");
        assertThat(page.get("referrer").textValue()).isEqualTo("http://localhost:9301/landing?t=xhr");
    }

    @Test
    void fillsContextCampaignFromTheUrlsUtmParametersWithSegmentsNames() {
        JsonNode campaign = mapped("browser-track.json").get("context").get("campaign");

        assertThat(campaign).isEqualTo(BridgeHttp.object("{\"source\":\"newsletter\",\"medium\":\"email\",\"name\":\"spring_sale\","
                + "\"term\":\"running shoes\",\"content\":\"hero banner\"}"));
    }

    @Test
    void readsTheCampaignOfAUrlWithoutUtmParametersAsNone() {
        assertThat(PixelEventMapper.campaign("https://shop.example.com/?plan=pro#utm_source=x")).isEmpty();
        assertThat(PixelEventMapper.campaign("https://shop.example.com/?utm_source=%E0%A4%A&utm_medium=%41d")).isEqualTo(
                BridgeHttp.object("{\"medium\":\"Ad\"}"));
    }

    @Test
    void fillsContextUserAgentLocaleAndScreen() {
        JsonNode context = mapped("browser-track.json").get("context");

        assertThat(context.get("userAgent").textValue()).contains("HeadlessChrome/156");
        assertThat(context.get("locale").textValue()).isEqualTo("en-US");
        assertThat(context.get("screen").toString()).isEqualTo("{\"width\":800,\"height\":600}");
    }

    @Test
    void namesTheLibraryInContextLibrary() {
        assertThat(mapped("browser-track.json").get("context").get("library")).isEqualTo(BridgeHttp.object("{\"name\":\"usermaven-sdk-js\"}"));
    }

    @Test
    void takesTheBrowsersIpFromTheConnection() {
        ObjectNode track = mapped("browser-track.json");

        assertThat(track.get("context").get("ip").textValue()).isEqualTo("198.51.100.7");
        assertThat(track.get("channel").textValue()).isEqualTo("browser");
    }

    @Test
    void takesTheIpAServerNamesInSourceIpOnTheServerPathOnly() {
        ObjectNode sent = PixelFixtures.event("server-track.json").put("source_ip", "203.0.113.9");

        assertThat(PixelEventMapper.map(sent, FROM_SERVER).get("context").get("ip").textValue()).isEqualTo("203.0.113.9");
        assertThat(PixelEventMapper.map(sent, FROM_SERVER).get("channel").textValue()).isEqualTo("server");
        assertThat(PixelEventMapper.map(sent, FROM_BROWSER).get("context").get("ip").textValue()).isEqualTo("198.51.100.7");
        assertThat(PixelEventMapper.map(PixelFixtures.event("server-track.json"), FROM_SERVER).get("context").get("ip").textValue())
                .isEqualTo("10.0.0.5");
    }

    @Test
    void anonymisesTheIpWhenThePixelAsksForAStrictIpPolicy() {
        var strict = new PixelEventMapper.Arrival(false, "198.51.100.7", PixelIpPolicy.of("strict"));
        var ipv6 = new PixelEventMapper.Arrival(false, "2001:db8:85a3:8d3:1319:8a2e:370:7348", PixelIpPolicy.of("comply"));

        assertThat(PixelEventMapper.map(PixelFixtures.event("browser-track.json"), strict).get("context").get("ip").textValue())
                .isEqualTo("198.51.100.0");
        assertThat(PixelEventMapper.map(PixelFixtures.event("browser-track.json"), ipv6).get("context").get("ip").textValue())
                .isEqualTo("2001:db8:85a3::");
        assertThat(PixelIpPolicy.of("keep")).isEqualTo(PixelIpPolicy.KEEP);
        assertThat(PixelIpPolicy.ANONYMISE.apply("::1")).isEqualTo("::");
    }

    @Test
    void leavesTheWriteKeyOut() {
        ObjectNode server = PixelEventMapper.map(PixelFixtures.event("server-identify.json"), FROM_SERVER);

        assertThat(server.toString()).doesNotContain(PixelFixtures.SERVER_TOKEN).doesNotContain("api_key");
    }

    @Test
    void keepsTheFieldsNoSegmentFieldHoldsUnderContextPixel() {
        JsonNode pixel = mapped("browser-track.json").get("context").get("pixel");

        assertThat(pixel.fieldNames()).toIterable().containsExactlyInAnyOrder("event_id", "company", "ids", "utc_time", "local_tz_offset",
                "src", "event_type", "namespace", "doc_host", "screen_resolution", "vp_size", "user_language", "doc_encoding", "utm");
    }

    static Stream<String> fixtures() {
        return Stream.concat(PixelFixtures.BROWSER.stream(), PixelFixtures.SERVER.stream());
    }

    /** Every field the pixel sent is in the Segment event, as sent, in the one place the mapping puts it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void losesNothingThePixelSentButItsKey(String fixture) {
        JsonNode body = PixelFixtures.json(fixture);
        for (JsonNode sent : body.isArray() ? body : List.of(body)) {
            ObjectNode event = PixelEventMapper.map((ObjectNode) sent, FROM_BROWSER);

            ObjectNode expected = ((ObjectNode) sent).deepCopy();
            expected.remove("api_key");
            assertThat(unmapped(event)).isEqualTo(expected);
        }
    }

    /** The pixel event back from the Segment one, by the mapping's table. */
    private static ObjectNode unmapped(ObjectNode event) {
        JsonNode context = event.get("context");
        ObjectNode pixel = context.get("pixel").deepCopy();
        String type = event.get("type").textValue();
        ObjectNode user = (type.equals("identify") ? event.get("traits") : context.get("traits")).deepCopy();
        ObjectNode ids = SegmentEventParser.JSON.createObjectNode();
        ids.set("anonymous_id", event.get("anonymousId"));
        if (event.has("userId")) {
            ids.set("id", event.get("userId"));
        }
        pixel.set("user", ids.setAll(user));
        if (type.equals("group")) {
            ObjectNode company = SegmentEventParser.JSON.createObjectNode().set("id", event.get("groupId"));
            pixel.set("company", company.setAll((ObjectNode) event.get("traits")));
        }
        if (event.has("properties")) {
            pixel.set(pixel.path("event_type").asText().equals("$autocapture") ? "autocapture_attributes" : "event_attributes",
                    event.get("properties"));
        }
        Map.of("url", "url", "path", "doc_path", "search", "doc_search", "title", "page_title", "referrer", "referer")
                .forEach((segment, pixelField) -> {
                    if (context.path("page").has(segment)) {
                        pixel.set(pixelField, context.get("page").get(segment));
                    }
                });
        if (context.has("userAgent")) {
            pixel.set("user_agent", context.get("userAgent"));
        }
        return pixel;
    }

    @Test
    void refusesAnEventWithoutAnEventType() {
        ObjectNode sent = PixelFixtures.event("browser-track.json");
        sent.remove("event_type");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("event_type"));
    }

    @Test
    void refusesAUserThatIsNotAnObject() {
        ObjectNode sent = PixelFixtures.event("browser-track.json").put("user", "ada");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("user"));
    }

    @Test
    void refusesAUserIdThatIsNeitherAStringNorANumber() {
        ObjectNode sent = PixelFixtures.event("browser-identify.json");
        ((ObjectNode) sent.get("user")).putObject("id");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("user.id"));
    }

    @Test
    void refusesAnEventWithNeitherAnAnonymousIdNorAUserId() {
        ObjectNode sent = PixelFixtures.event("browser-track.json");
        sent.remove("user");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("user.anonymous_id"));
    }

    @Test
    void refusesAUtcTimeThatIsNotADate() {
        ObjectNode sent = PixelFixtures.event("browser-track.json").put("utc_time", "yesterday");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("utc_time"));
    }

    @Test
    void refusesAGroupWithoutACompanyId() {
        ObjectNode sent = PixelFixtures.event("browser-group.json");
        ((ObjectNode) sent.get("company")).remove("id");

        assertThatThrownBy(() -> PixelEventMapper.map(sent, FROM_BROWSER)).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.field()).isEqualTo("company.id"));
    }

    @Test
    void namesThePixelsFieldForEachSegmentFieldAChecksRefuses() {
        assertThat(Stream.of("messageId", "userId", "anonymousId", "timestamp", "originalTimestamp", "event", "groupId", "sentAt")
                .map(PixelEventMapper::pixelField)).containsExactly("event_id", "user.id", "user.anonymous_id", "utc_time", "utc_time",
                "event_type", "company.id", "sentAt");
    }
}
