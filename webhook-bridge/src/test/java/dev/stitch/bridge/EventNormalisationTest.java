package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.stitch.bridge.BridgeHttp.object;
import static org.assertj.core.api.Assertions.assertThat;

class EventNormalisationTest {

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    @Test
    void deepMergesBatchContextAndIntegrationsIntoEachEventWithTheEventsOwnValuesWinning() {
        String batch = """
                {"context": {"library": {"name": "analytics-java", "version": "3.5.4"}, "ip": "10.0.0.1", "traits": {"plan": "free"}},
                 "integrations": {"All": false, "Mixpanel": true},
                 "batch": [
                   {"type": "track", "userId": "user-1", "event": "Paid",
                    "context": {"ip": "203.0.113.7", "traits": {"email": "a@example.com"}}, "integrations": {"Mixpanel": false}},
                   {"type": "page", "anonymousId": "anon-1", "name": "Home"}
                 ]}""";

        assertThat(running.http.post("/v1/batch", batch).status()).isEqualTo(200);

        List<SegmentEvent> events = running.publisher.events();
        JsonNode first = object(events.get(0).getJson());
        assertThat(first.get("context")).isEqualTo(object("""
                {"ip": "203.0.113.7", "traits": {"email": "a@example.com", "plan": "free"},
                 "library": {"name": "analytics-java", "version": "3.5.4"}}"""));
        assertThat(first.get("integrations")).isEqualTo(object("{\"Mixpanel\": false, \"All\": false}"));
        JsonNode second = object(events.get(1).getJson());
        assertThat(second.get("context")).isEqualTo(object(
                "{\"library\": {\"name\": \"analytics-java\", \"version\": \"3.5.4\"}, \"ip\": \"10.0.0.1\", \"traits\": {\"plan\": \"free\"}}"));
        assertThat(second.get("integrations")).isEqualTo(object("{\"All\": false, \"Mixpanel\": true}"));
    }

    @Test
    void assignsAMessageIdToAnEventWhoseMessageIdIsBlankAsToOneWithout() {
        running.http.post("/v1/track", "{\"userId\":\"user-1\",\"event\":\"Paid\",\"messageId\":\"  \"}");

        assertThat(running.publisher.events().get(0).getMessageId().toString()).isNotBlank();
    }

    @Test
    void keepsAContextAnonymousIdFromTheBatchForRouting() {
        String batch = "{\"context\":{\"anonymousId\":\"pixel-7\"},\"batch\":[{\"type\":\"identify\",\"userId\":\"user-1\"}]}";

        running.http.post("/v1/batch", batch);

        assertThat(running.publisher.events().get(0).getContextAnonymousId()).isEqualTo("pixel-7");
    }

    @Test
    void stampsOneReceivedAtOnEveryEventOfARequest() {
        Instant before = Instant.now();
        running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"a\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"b\"},{\"type\":\"track\",\"userId\":\"u\",\"event\":\"c\"}]}");
        Instant after = Instant.now();

        List<SegmentEvent> events = running.publisher.events();
        Instant receivedAt = events.get(0).getReceivedAt();
        assertThat(receivedAt).isBetween(before.minusMillis(1), after);
        assertThat(events).extracting(SegmentEvent::getReceivedAt).containsOnly(receivedAt);
        assertThat(object(events.get(2).getJson()).get("receivedAt").textValue()).isEqualTo(receivedAt.toString());
    }

    @Test
    void replacesAReceivedAtSentByATrackingApiClientWithItsOwn() {
        Instant before = Instant.now();
        running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"receivedAt\":\"2001-01-01T00:00:00Z\"}");

        assertThat(running.publisher.events().get(0).getReceivedAt()).isAfterOrEqualTo(before.minusMillis(1));
    }

    @Test
    void keepsTheReceivedAtSegmentSetOnWebhookEvents() {
        Instant atSegment = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        running.http.post("/v1/webhook", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"receivedAt\":\"" + atSegment + "\"}");

        assertThat(running.publisher.events().get(0).getReceivedAt()).isEqualTo(atSegment);
    }

    @Test
    void keepsTheMessageIdSent() {
        running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"messageId\":\"ajs-123\"}");

        assertThat(running.publisher.events().get(0).getMessageId()).isEqualTo("ajs-123");
    }

    @Test
    void assignsANewMessageIdToEachEventSentWithoutOneEvenWhenItsContentRepeats() {
        String event = "{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":\"" + Instant.now().minusSeconds(60) + "\"}";

        running.http.post("/v1/track", event);
        running.http.post("/v1/track", event);

        List<SegmentEvent> events = running.publisher.events();
        assertThat(events).extracting(SegmentEvent::getMessageId).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(object(events.get(0).getJson()).get("messageId").textValue()).isEqualTo(events.get(0).getMessageId());
    }

    @Test
    void correctsTheEventTimeForTheClientsClockSkew() {
        // The client's clock is a day behind: it stamped the event 10 s before it sent it.
        Instant stamped = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"e\","
                + "\"timestamp\":\"" + stamped + "\",\"sentAt\":\"" + stamped.plusSeconds(10) + "\"}");

        SegmentEvent event = running.publisher.events().get(0);
        assertThat(event.getOriginalTimestamp()).isEqualTo(stamped);
        assertThat(event.getTimestamp()).isEqualTo(event.getReceivedAt().minus(Duration.ofSeconds(10)));
    }

    @Test
    void correctsSkewWithTheBatchSentAtForEventsThatHaveNoneOfTheirOwn() {
        running.http.post("/v1/import", "{\"sentAt\":\"2025-01-01T00:01:00Z\",\"batch\":["
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"a\",\"timestamp\":\"2025-01-01T00:00:00Z\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"b\",\"timestamp\":\"2025-01-01T00:00:30Z\",\"sentAt\":\"2025-01-01T00:00:40Z\"}]}");

        List<SegmentEvent> events = running.publisher.events();
        Instant receivedAt = events.get(0).getReceivedAt();
        assertThat(events.get(0).getTimestamp()).isEqualTo(receivedAt.minus(Duration.ofSeconds(60)));
        assertThat(events.get(1).getTimestamp()).isEqualTo(receivedAt.minus(Duration.ofSeconds(10)));
    }

    @Test
    void keepsTheEventsJsonAsSentNumbersIncluded() {
        running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"Paid\",\"properties\":"
                + "{\"price\":19.90,\"units\":12345678901234567890123,\"tags\":[\"a\",null,true]}}");

        assertThat(running.publisher.events().get(0).getJson())
                .contains("\"properties\":{\"price\":19.90,\"units\":12345678901234567890123,\"tags\":[\"a\",null,true]}");
    }
}
