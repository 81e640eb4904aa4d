package dev.stitch.events;

import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    private static final JunkIds JUNK = JunkIds.defaults();

    @Test
    void keysByTheTopLevelAnonymousIdAndKeepsAContextIdThatDiffers() {
        EventIds ids = EventIds.of(event("u1", "app-1", "pixel-1"), JUNK);

        assertThat(ids).isEqualTo(new EventIds("u1", "app-1", "pixel-1"));
        assertThat(ids.routingKey()).isEqualTo("app-1");
    }

    @Test
    void takesTheContextAnonymousIdWhenThereIsNoTopLevelOne() {
        EventIds ids = EventIds.of(event("u1", null, "pixel-1"), JUNK);

        assertThat(ids).isEqualTo(new EventIds("u1", "pixel-1", null));
        assertThat(ids.routingKey()).isEqualTo("pixel-1");
    }

    @Test
    void dropsAContextIdEqualToTheTopLevelOne() {
        assertThat(EventIds.of(event(null, "a1", "a1"), JUNK)).isEqualTo(new EventIds(null, "a1", null));
    }

    @Test
    void keysAUserOnlyEventByItsUserId() {
        assertThat(EventIds.of(event("u1", null, null), JUNK).routingKey()).isEqualTo("u1");
    }

    @Test
    void treatsJunkAsAbsentAndKeepsRealIdsExactlyAsSent() {
        EventIds ids = EventIds.of(event(" User-1 ", "undefined", " NULL "), JUNK);

        assertThat(ids).isEqualTo(new EventIds(" User-1 ", null, null));
        assertThat(EventIds.of(event("null", "0", ""), JUNK).hasIdentity()).isFalse();
    }

    @Test
    void usesAConfiguredJunkListInsteadOfTheDefault() {
        JunkIds custom = JunkIds.of(List.of("test-user"));

        assertThat(EventIds.of(event("Test-User", "undefined", null), custom)).isEqualTo(new EventIds(null, "undefined", null));
    }

    private static SegmentEvent event(String userId, String anonymousId, String contextAnonymousId) {
        Instant now = Instant.parse("2026-11-02T10:00:00Z");
        return SegmentEvent.newBuilder().setMessageId("m").setType("track").setUserId(userId).setAnonymousId(anonymousId)
                .setContextAnonymousId(contextAnonymousId).setTimestamp(now).setReceivedAt(now).setJson("{}").build();
    }
}
