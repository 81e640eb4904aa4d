package dev.stitch.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentEventParserTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void correctsTheEventTimeForClientClockSkew() {
        // The client clock is 1 hour fast: it stamped 11:00:00 and sent at 11:00:02; we received at 10:00:03.
        SegmentEvent event = parse("{\"type\":\"track\",\"event\":\"Clicked\",\"userId\":\"u1\","
                + "\"timestamp\":\"2026-11-02T11:00:00Z\",\"sentAt\":\"2026-11-02T11:00:02Z\",\"receivedAt\":\"2026-11-02T10:00:03Z\"}");

        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2026-11-02T10:00:01Z"));
        assertThat(event.getOriginalTimestamp()).isEqualTo(Instant.parse("2026-11-02T11:00:00Z"));
        assertThat(event.getReceivedAt()).isEqualTo(Instant.parse("2026-11-02T10:00:03Z"));
    }

    @Test
    void takesTheClientTimeWhenItDoesNotSayWhenItSent() {
        SegmentEvent event = parse("{\"type\":\"page\",\"anonymousId\":\"a1\",\"originalTimestamp\":\"2026-11-02T09:59:00+01:00\"}");

        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2026-11-02T08:59:00Z"));
        assertThat(event.getReceivedAt()).isEqualTo(NOW);
    }

    @Test
    void takesTheArrivalTimeWhenTheEventHasNoTime() {
        assertThat(parse("{\"type\":\"page\",\"anonymousId\":\"a1\"}").getTimestamp()).isEqualTo(NOW);
    }

    @Test
    void stampsReceivedAtAndADeterministicMessageIdIntoTheKeptJson() {
        String json = "{\"type\":\"page\",\"anonymousId\":\"a1\"}";
        SegmentEvent first = parse(json);
        SegmentEvent again = parse(json);

        assertThat(first.getMessageId()).isNotBlank().isEqualTo(again.getMessageId());
        assertThat(first.getJson()).contains("\"messageId\":\"" + first.getMessageId() + "\"")
                .contains("\"receivedAt\":\"2026-11-02T10:00:00Z\"");
    }

    @Test
    void keepsEveryFieldAndNumberAsSent() {
        SegmentEvent event = parse("{\"type\":\"track\",\"event\":\"Paid\",\"userId\":\"u1\",\"messageId\":\"m1\","
                + "\"properties\":{\"revenue\":49.90,\"big\":12345678901234567890123,\"nested\":[1,{\"a\":null}]},"
                + "\"context\":{\"ip\":\"203.0.113.7\",\"anonymousId\":\"pixel-1\"}}");

        assertThat(event.getJson()).contains("\"revenue\":49.90").contains("\"big\":12345678901234567890123")
                .contains("\"nested\":[1,{\"a\":null}]").contains("\"ip\":\"203.0.113.7\"");
        assertThat(event.getContextAnonymousId()).isEqualTo("pixel-1");
        assertThat(event.getMessageId()).isEqualTo("m1");
    }

    @Test
    void readsNumericIdsAsText() {
        assertThat(parse("{\"type\":\"identify\",\"userId\":12345}").getUserId()).isEqualTo("12345");
    }

    @Test
    void refusesAnEventWithoutType() {
        assertRefused("{\"userId\":\"u1\"}", "type", "no \"type\"");
    }

    @Test
    void refusesAnUnknownType() {
        assertRefused("{\"type\":\"purchase\",\"userId\":\"u1\"}", "type", "unknown event type \"purchase\"");
    }

    @Test
    void refusesAnEventWithoutAnyId() {
        assertRefused("{\"type\":\"page\"}", "userId", "needs a \"userId\" or an \"anonymousId\"");
    }

    @Test
    void refusesATrackWithoutEvent() {
        assertRefused("{\"type\":\"track\",\"userId\":\"u1\"}", "event", "a track event needs \"event\"");
    }

    @Test
    void refusesAnAliasWithoutPreviousId() {
        assertRefused("{\"type\":\"alias\",\"userId\":\"u1\"}", "previousId", "needs \"previousId\"");
    }

    @Test
    void refusesAGroupWithoutGroupId() {
        assertRefused("{\"type\":\"group\",\"userId\":\"u1\"}", "groupId", "needs \"groupId\"");
    }

    @Test
    void refusesAnIdThatIsNotAString() {
        assertRefused("{\"type\":\"page\",\"anonymousId\":{\"a\":1}}", "anonymousId", "must be a string");
    }

    @Test
    void refusesATimestampThatIsNotIso8601() {
        assertRefused("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"yesterday\"}", "timestamp", "not an ISO-8601");
    }

    @Test
    void refusesADateTimeOutsideTheYears1To9999InsteadOfOverflowing() {
        assertRefused("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"+999999999-01-01T00:00:00Z\"}", "timestamp",
                "outside the years 0001 to 9999");
        assertRefused("{\"type\":\"page\",\"anonymousId\":\"a\",\"sentAt\":\"-000001-01-01T00:00:00Z\"}", "sentAt",
                "outside the years 0001 to 9999");
        assertThat(parse("{\"type\":\"page\",\"anonymousId\":\"a\",\"timestamp\":\"9999-12-31T23:59:59Z\"}").getTimestamp())
                .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    private static void assertRefused(String json, String field, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((InvalidEventException) e).field()).isEqualTo(field);
    }

    private static SegmentEvent parse(String json) {
        try {
            return SegmentEventParser.parse((ObjectNode) SegmentEventParser.JSON.readTree(json), NOW, "test");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
