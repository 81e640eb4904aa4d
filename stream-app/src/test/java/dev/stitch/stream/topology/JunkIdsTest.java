package dev.stitch.stream.topology;

import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Junk values are never identities (docs/architecture.md#junk-ids): they never link, and an event with
 * nothing else is refused.
 */
class JunkIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"undefined", "null", "0", "", "  ", " Undefined ", "NULL", "[object Object]",
            "00000000-0000-0000-0000-000000000000", "anonymous", "-1"})
    void junkAnonymousIdNeverLinksTwoUsers(String junk) {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "alice", junk, at(1)))
                    .send(identify("i2", "bob", junk, at(2)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "i1", 1L, false, false),
                    new Emitted("bob", "i2", 1L, false, false));
            assertThat(stitch.changes()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"undefined", "null", "0", "", "false"})
    void junkUserIdDoesNotClaimAnAnonymousId(String junk) {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "pixel-1", "Home", at(1)))
                    .send(identify("i1", junk, "pixel-1", at(2)))
                    .send(identify("i2", "alice", "pixel-1", at(3)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "p1", 1L, true, false),
                    new Emitted("alice", "i1", 2L, true, false),
                    new Emitted("alice", "i2", 3L, false, false));
            assertThat(stitch.anonymous()).containsExactly("pixel-1 p1", "pixel-1 i1");
        }
    }

    @Test
    void eventWithOnlyJunkIdsGoesToTheDeadLetterTopicWithItsReason() {
        try (var stitch = new StitchDriver()) {
            stitch.sendKeyed("undefined", event("j1", "track", "null", "undefined", "0", at(1)).setEvent("Clicked").build(), at(1));

            var letters = stitch.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(new String(letters.get(0).key())).isEqualTo("undefined");
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON))
                    .contains("no usable identity");
            assertThat(stitch.settle().timeline()).isEmpty();
            assertThat(stitch.anonymous()).isEmpty();
            assertThat(stitch.changes()).isEmpty();
        }
    }
}
