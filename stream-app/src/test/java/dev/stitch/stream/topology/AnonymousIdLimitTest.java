package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/** R7: a user holds at most N anonymous ids; a link beyond is refused and recorded, and the id stays anonymous. */
class AnonymousIdLimitTest {

    private static StitchDriver withLimit(int limit) {
        return new StitchDriver(StitchSettings.defaults().withMaxAnonymousIdsPerUser(limit));
    }

    @Test
    void refusesTheLinkBeyondTheLimitAndKeepsThatIdAnonymous() {
        try (var stitch = withLimit(2)) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .send(identify("i2", "user-1", "pixel-b", at(2)))
                    .send(page("c1", "pixel-c", "Home", at(3)))
                    .send(identify("i3", "user-1", "pixel-c", at(4)))
                    .send(page("c2", "pixel-c", "Pricing", at(5)))
                    .settle();

            assertThat(stitch.changes()).containsExactly(
                    new Change("pixel-a", ChangeKind.LINKED, "user-1", null, "i1"),
                    new Change("pixel-b", ChangeKind.LINKED, "user-1", null, "i2"),
                    new Change("pixel-c", ChangeKind.REFUSED_LIMIT, null, null, "i3"));
            assertThat(stitch.timeline()).as("the identify itself is the user's; pixel-c's history is not stitched")
                    .containsExactly(
                            new Emitted("user-1", "i1", 1L, false, false),
                            new Emitted("user-1", "i2", 2L, false, false),
                            new Emitted("user-1", "i3", 3L, false, false));
            assertThat(stitch.anonymous()).containsExactly("pixel-c c1", "pixel-c c2");
            assertThat(stitch.metric("refused-limit")).isEqualTo(1.0);
            assertThat(stitch.metric("links")).isEqualTo(2.0);
        }
    }

    @Test
    void anIdAlreadyGrantedToTheUserDoesNotCountTwice() {
        try (var stitch = withLimit(1)) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .send(identify("i2", "user-1", "pixel-a", at(2)))
                    .send(event("t1", "track", "user-1", null, "pixel-a", at(3)).setEvent("Clicked").build())
                    .settle();

            assertThat(stitch.changes()).containsExactly(new Change("pixel-a", ChangeKind.LINKED, "user-1", null, "i1"));
            assertThat(stitch.metric("refused-limit")).isZero();
        }
    }

    @Test
    void theLimitHoldsForASecondAnonymousIdOnAnotherPartition() {
        try (var stitch = withLimit(1)) {
            stitch.send(page("b1", "pixel-b", "Home", at(1)))
                    .send(event("i1", "identify", "user-1", "app-a", "pixel-b", at(2)).build())
                    .settle();

            assertThat(stitch.changes()).as("the top-level anonymousId is claimed first").containsExactly(
                    new Change("app-a", ChangeKind.LINKED, "user-1", null, "i1"),
                    new Change("pixel-b", ChangeKind.REFUSED_LIMIT, null, null, "i1"));
            assertThat(stitch.timeline()).containsExactly(new Emitted("user-1", "i1", 1L, false, false));
        }
    }

    @Test
    void aRefusedIdAlreadyLinkedToAnotherUserStaysWithIt() {
        try (var stitch = withLimit(1)) {
            stitch.send(identify("i1", "user-v", "shared-pc", at(1)))
                    .send(identify("i2", "user-u", "own-laptop", at(2)))
                    .send(identify("i3", "user-u", "shared-pc", at(3)))
                    .send(page("p1", "shared-pc", "Home", at(4)))
                    .settle();

            assertThat(stitch.changes()).containsExactly(
                    new Change("shared-pc", ChangeKind.LINKED, "user-v", null, "i1"),
                    new Change("own-laptop", ChangeKind.LINKED, "user-u", null, "i2"),
                    new Change("shared-pc", ChangeKind.REFUSED_LIMIT, "user-v", "user-v", "i3"));
            assertThat(stitch.timeline()).as("the shared pc's page view stays with its user")
                    .contains(new Emitted("user-v", "p1", 2L, false, false));
        }
    }
}
