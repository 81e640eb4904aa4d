package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.stream.config.ConflictPolicy;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/** R5 (several devices, one user), R6 (one device, several users) and links across partitions. */
class IdentityConflictTest {

    @Test
    void joinsTheHistoriesOfTwoDevicesOnOneTimeline() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("a1", "laptop", "Home", at(1)))
                    .send(page("b1", "phone", "Home", at(2)))
                    .send(identify("i1", "user-42", "laptop", at(3)))
                    .send(identify("i2", "user-42", "phone", at(4)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-42", "a1", 1L, true, false),
                    new Emitted("user-42", "b1", 2L, true, false),
                    new Emitted("user-42", "i1", 3L, false, false),
                    new Emitted("user-42", "i2", 4L, false, false));
            assertThat(stitch.changes()).containsExactly(
                    new Change("laptop", ChangeKind.LINKED, "user-42", null, "i1"),
                    new Change("phone", ChangeKind.LINKED, "user-42", null, "i2"));
        }
    }

    @Test
    void sharedComputerDoesNotMergeUsersAndTheLatestLoginWins() {
        try (var stitch = new StitchDriver()) {
            sharedComputerSession(stitch);

            List<Emitted> timeline = stitch.timeline();
            assertThat(timeline).filteredOn(e -> e.userId().equals("alice")).containsExactly(
                    new Emitted("alice", "x1", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false),
                    new Emitted("alice", "x2", 3L, false, false));
            assertThat(timeline).filteredOn(e -> e.userId().equals("bob")).containsExactly(
                    new Emitted("bob", "i2", 1L, false, false),
                    new Emitted("bob", "x3", 2L, false, false));
            assertThat(stitch.changes()).containsExactly(
                    new Change("family-pc", ChangeKind.LINKED, "alice", null, "i1"),
                    new Change("family-pc", ChangeKind.REFUSED_CONFLICT, "bob", "alice", "i2"));
            assertThat(stitch.metric("conflicts")).isEqualTo(1.0);
        }
    }

    @Test
    void sharedComputerUnderFirstWinsKeepsTheIdsLaterEventsWithTheFirstUser() {
        var settings = StitchSettings.defaults().withConflictPolicy(ConflictPolicy.FIRST_WINS);
        try (var stitch = new StitchDriver(settings)) {
            sharedComputerSession(stitch);

            List<Emitted> timeline = stitch.timeline();
            assertThat(timeline).filteredOn(e -> e.userId().equals("alice")).containsExactly(
                    new Emitted("alice", "x1", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false),
                    new Emitted("alice", "x2", 3L, false, false),
                    new Emitted("alice", "x3", 4L, false, false));
            assertThat(timeline).filteredOn(e -> e.userId().equals("bob")).containsExactly(
                    new Emitted("bob", "i2", 1L, false, false));
            assertThat(stitch.changes()).containsExactly(
                    new Change("family-pc", ChangeKind.LINKED, "alice", null, "i1"),
                    new Change("family-pc", ChangeKind.REFUSED_CONFLICT, "alice", "alice", "i2"));
        }
    }

    @Test
    void linksAndStitchesASecondAnonymousIdCarriedInContext() {
        try (var stitch = new StitchDriver()) {
            // The pixel id has history on its own partition; the event is keyed by the app's id.
            stitch.send(page("q1", "pixel-7", "Landing", at(1)))
                    .send(event("i1", "identify", "user-42", "app-install-3", "pixel-7", at(2)).build())
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-42", "q1", 1L, true, false),
                    new Emitted("user-42", "i1", 2L, false, false));
            assertThat(stitch.changes()).containsExactlyInAnyOrder(
                    new Change("app-install-3", ChangeKind.LINKED, "user-42", null, "i1"),
                    new Change("pixel-7", ChangeKind.LINKED, "user-42", null, "i1"));
        }
    }

    /** alice logs in on the family computer, browses, then bob logs in on it and browses. */
    private static void sharedComputerSession(StitchDriver stitch) {
        stitch.send(page("x1", "family-pc", "Home", at(1)))
                .send(identify("i1", "alice", "family-pc", at(2)))
                .send(page("x2", "family-pc", "Inbox", at(3)))
                .send(identify("i2", "bob", "family-pc", at(4)))
                .send(page("x3", "family-pc", "Scores", at(5)))
                .settle();
    }
}
