package dev.stitch.stream.console;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivityRingTest {

    private static ActivityEvent anonymousPage(String messageId, String anonymousId, long receivedAt) {
        return new ActivityEvent(true, null, null, anonymousId, null, messageId, "page", "Home", receivedAt, receivedAt, null, false, false);
    }

    private static ActivityEvent onTimeline(String messageId, String userId, String anonymousId, String type, long receivedAt,
                                            boolean stitched) {
        return new ActivityEvent(false, userId, stitched ? null : userId, anonymousId, null, messageId, type, null, receivedAt,
                receivedAt, 1L, stitched, false);
    }

    private static List<String> messageIds(ActivityRing.Page page) {
        return page.events().stream().map(entry -> entry.event().messageId()).toList();
    }

    @Test
    void keepsOnlyTheNewestEventsNewestFirst() {
        ActivityRing ring = new ActivityRing(3, 10);
        for (int i = 1; i <= 5; i++) {
            ring.add(anonymousPage("m" + i, "anon-" + i, i));
        }

        assertThat(ring.size()).isEqualTo(3);
        assertThat(messageIds(ring.newest(ActivityFilter.ANY, null, 10))).containsExactly("m5", "m4", "m3");
        assertThat(messageIds(ring.newest(ActivityFilter.ANY, null, 2))).containsExactly("m5", "m4");
    }

    @Test
    void aCursorAnswersOnlyWhatCameAfterIt() {
        ActivityRing ring = new ActivityRing(10, 10);
        ring.add(anonymousPage("m1", "anon-1", 1));
        ActivityCursor cursor = ring.newest(ActivityFilter.ANY, null, 10).cursor();
        ring.add(anonymousPage("m2", "anon-1", 2));
        ring.add(anonymousPage("m3", "anon-1", 3));

        ActivityRing.Page since = ring.newest(ActivityFilter.ANY, ActivityCursor.parse(cursor.toString()), 10);

        assertThat(messageIds(since)).containsExactly("m3", "m2");
        assertThat(messageIds(ring.newest(ActivityFilter.ANY, since.cursor(), 10))).isEmpty();
    }

    @Test
    void aCursorOfAnotherRingStartsOver() {
        ActivityRing earlier = new ActivityRing(10, 10);
        for (int i = 1; i <= 5; i++) {
            earlier.add(anonymousPage("old" + i, "anon", i));
        }
        ActivityRing restarted = new ActivityRing(10, 10);
        restarted.add(anonymousPage("new1", "anon", 6));

        assertThat(messageIds(restarted.newest(ActivityFilter.ANY, earlier.newest(ActivityFilter.ANY, null, 1).cursor(), 10)))
                .containsExactly("new1");
    }

    @Test
    void filtersByTypeIgnoringCaseAndByAnyIdTheEventNames() {
        ActivityRing ring = new ActivityRing(10, 10);
        ring.add(anonymousPage("p1", "pixel-1", 1));
        ring.add(onTimeline("i1", "user-1", "pixel-1", "identify", 2, false));
        ring.add(onTimeline("t1", "user-2", null, "track", 3, false));

        assertThat(messageIds(ring.newest(new ActivityFilter("IDENTIFY", null), null, 10))).containsExactly("i1");
        assertThat(messageIds(ring.newest(new ActivityFilter(null, "pixel-1"), null, 10))).containsExactly("i1", "p1");
        assertThat(messageIds(ring.newest(new ActivityFilter("track", "user-1"), null, 10))).isEmpty();
        assertThat(messageIds(ring.newest(new ActivityFilter(" ", " "), null, 10))).containsExactly("t1", "i1", "p1");
    }

    @Test
    void anErasureRemovesTheUserAndTheAnonymousActivityOfItsAnonymousIds() {
        ActivityRing ring = new ActivityRing(10, 10);
        ring.add(anonymousPage("p1", "pixel-1", 1));
        ring.add(onTimeline("p1-stitched", "user-1", "pixel-1", "page", 1, true));
        ring.add(onTimeline("i1", "user-1", "pixel-1", "identify", 2, false));
        ring.add(onTimeline("t2", "user-2", null, "track", 3, false));

        ring.erase("user-1", "user-1", 5);

        assertThat(messageIds(ring.newest(ActivityFilter.ANY, null, 10))).containsExactly("t2");
    }

    @Test
    void eventsOfAnErasedPersonReadAfterTheErasureStayOutUnlessReceivedAfterIt() {
        ActivityRing ring = new ActivityRing(10, 10);
        ring.erase("pixel-1", "user-1", 100);

        ring.add(onTimeline("before", "user-1", null, "track", 99, false));
        ring.add(anonymousPage("before-anonymous", "pixel-1", 100));
        ring.add(onTimeline("after", "user-1", null, "track", 101, false));

        assertThat(messageIds(ring.newest(ActivityFilter.ANY, null, 10))).containsExactly("after");
    }

    @Test
    void remembersABoundedNumberOfErasures() {
        ActivityRing ring = new ActivityRing(10, 2);
        ring.erase("user-1", null, 100);
        ring.erase("user-2", null, 100);
        ring.erase("user-3", null, 100);

        ring.add(onTimeline("forgotten", "user-1", null, "track", 50, false));
        ring.add(onTimeline("remembered", "user-3", null, "track", 50, false));

        assertThat(messageIds(ring.newest(ActivityFilter.ANY, null, 10))).containsExactly("forgotten");
    }

    @Test
    void refusesTextThatIsNoCursor() {
        for (String text : new String[]{"", "abc", ".5", "abc.", "abc.-1", "abc.x", "e." + "9".repeat(70)}) {
            assertThatThrownBy(() -> ActivityCursor.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after must be the cursor");
        }
    }
}
