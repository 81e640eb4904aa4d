package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * R13: a privacy request erases a user and everything linked to it — its own id, its anonymous ids and
 * their history, its timeline (emitted and waiting), its place and its profile — with an ERASED change
 * and a tombstone for each id; later events either start afresh or, with suppression on, are dropped.
 */
class ErasureTest {

    private static SegmentEvent delete(String messageId, String userId, Instant time) {
        return event(messageId, "delete", userId, null, null, time).build();
    }

    @Test
    void erasesTheUserItsAnonymousIdsTimelineAndProfileWithAChangeAndTombstoneForEachId() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "pixel-a", "Home", at(1)))
                    .send(identify("i1", "user-1", "pixel-a", at(2)))
                    .send(identify("i2", "user-1", "phone-b", at(3)))
                    .send(track("t1", "user-1", null, "Clicked", at(4)))
                    .send(page("p2", "pixel-c", "Home", at(5)))
                    .settle();
            assertThat(stitch.timeline()).hasSize(4);
            stitch.changes();

            stitch.send(delete("d1", "user-1", at(10))).settle();

            assertThat(stitch.changes()).containsExactly(
                    new Change("user-1", ChangeKind.ERASED, null, "user-1", "d1"),
                    new Change("user-1", null, null, null, null),
                    new Change("phone-b", ChangeKind.ERASED, null, "user-1", "d1"),
                    new Change("phone-b", null, null, null, null),
                    new Change("pixel-a", ChangeKind.ERASED, null, "user-1", "d1"),
                    new Change("pixel-a", null, null, null, null));
            assertThat(stitch.timeline()).as("an erasure emits nothing on the timeline").isEmpty();
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            assertThat(identities.get("pixel-a")).isNull();
            assertThat(identities.get("phone-b")).isNull();
            assertThat(identities.get("pixel-c")).as("an unrelated visitor stays").isNotNull();
            assertThat(keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-1"))).isZero();
            assertThat(stitch.store(Catalogue.USER_STATE_STORE).get("user-1")).isNull();
            assertThat(stitch.store(Catalogue.PROFILE_STORE).get("user-1")).isNull();
            assertThat(keysWithPrefix(stitch.store(Catalogue.USER_LINKS_STORE), UserTimeKey.prefix("user-1"))).isZero();
            assertThat(stitch.metric("erasures")).isEqualTo(3.0);
        }
    }

    @Test
    void eventsStillWaitingInTheReorderBufferAreNeverEmitted() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .send(track("t1", "user-1", null, "Clicked", at(2)))
                    .send(delete("d1", "user-1", at(3)))
                    .settle();

            assertThat(stitch.timeline()).isEmpty();
        }
    }

    @Test
    void withoutSuppressionLaterEventsStartANewTimeline() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .send(track("t1", "user-1", null, "Clicked", at(2)))
                    .settle()
                    .send(delete("d1", "user-1", at(10)))
                    .send(identify("i2", "user-1", "pixel-a", at(20)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-1", "i1", 1L, false, false),
                    new Emitted("user-1", "t1", 2L, false, false),
                    new Emitted("user-1", "i2", 1L, false, false));
            assertThat(stitch.changes()).endsWith(new Change("pixel-a", ChangeKind.LINKED, "user-1", null, "i2"));
        }
    }

    @Test
    void withSuppressionLaterEventsAreDroppedAndNoIdLinksToTheErasedUser() {
        try (var stitch = new StitchDriver(StitchSettings.defaults().withSuppressErasedUsers(true))) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .settle()
                    .send(delete("d1", "user-1", at(10)));
            stitch.timeline();
            stitch.changes();

            stitch.send(page("z1", "pixel-z", "Home", at(19)))
                    .send(identify("i2", "user-1", "pixel-z", at(20)))
                    .send(track("t2", "user-1", null, "Clicked", at(21)))
                    .settle();

            assertThat(stitch.timeline()).isEmpty();
            assertThat(stitch.changes()).as("a visitor who says it is the suppressed user is erased with it").containsExactly(
                    new Change("pixel-z", ChangeKind.ERASED, null, "user-1", "i2"),
                    new Change("pixel-z", null, null, null, null));
            assertThat(stitch.store(Catalogue.IDENTITIES_STORE).get("pixel-z")).isNull();
            assertThat(stitch.metric("suppressed")).as("the track; the identify went with its refused link").isEqualTo(1.0);
        }
    }

    @Test
    void aLinkClaimedBeforeTheErasureThatArrivesAfterItIsNotMade() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "pixel-a", "Home", at(1)))
                    .send(delete("d1", "user-1", at(10)))
                    .send(identify("i1", "user-1", "pixel-a", at(5)), at(5))
                    .send(identify("i2", "user-1", "pixel-b", at(20)))
                    .settle();

            assertThat(stitch.changes()).as("pixel-a claimed to be the user's before the erasure: it goes with it").containsExactly(
                    new Change("user-1", ChangeKind.ERASED, null, "user-1", "d1"),
                    new Change("user-1", null, null, null, null),
                    new Change("pixel-a", ChangeKind.ERASED, null, "user-1", "i1"),
                    new Change("pixel-a", null, null, null, null),
                    new Change("pixel-b", ChangeKind.LINKED, "user-1", null, "i2"));
            assertThat(stitch.store(Catalogue.IDENTITIES_STORE).get("pixel-a")).isNull();
            assertThat(stitch.timeline()).as("the earlier identify went with the user; the later one starts afresh")
                    .containsExactly(new Emitted("user-1", "i2", 1L, false, false));
        }
    }

    @Test
    void aSecondErasureChangesNothingMore() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .settle()
                    .send(delete("d1", "user-1", at(10)))
                    .settle();
            stitch.changes();
            stitch.timeline();

            stitch.send(delete("d2", "user-1", at(11))).settle();

            assertThat(stitch.changes()).containsExactly(
                    new Change("user-1", ChangeKind.ERASED, null, "user-1", "d2"),
                    new Change("user-1", null, null, null, null));
            assertThat(stitch.timeline()).isEmpty();
        }
    }

    @Test
    void aSharedDeviceNowWithAnotherUserIsNotErasedAndItsChangeNoLongerNamesTheErasedUser() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "user-1", "shared-pc", at(1)))
                    .send(identify("i2", "user-2", "shared-pc", at(2)))
                    .settle();
            assertThat(stitch.changes()).endsWith(new Change("shared-pc", ChangeKind.REFUSED_CONFLICT, "user-2", "user-1", "i2"));

            stitch.send(delete("d1", "user-1", at(10))).settle();

            assertThat(stitch.changes()).as("the device's latest change is restated without user-1").containsExactly(
                    new Change("user-1", ChangeKind.ERASED, null, "user-1", "d1"),
                    new Change("user-1", null, null, null, null),
                    new Change("shared-pc", ChangeKind.LINKED, "user-2", null, "d1"));
            assertThat(((IdentityState) stitch.store(Catalogue.IDENTITIES_STORE).get("shared-pc")).getUserId()).isEqualTo("user-2");
        }
    }

    @Test
    void aDeleteWithoutAUsableUserIdIsADeadLetter() {
        try (var stitch = new StitchDriver()) {
            stitch.send(event("d1", "delete", "undefined", "pixel-a", null, at(1)).build(), at(1));

            assertThat(stitch.deadLetters()).hasSize(1);
            assertThat(stitch.changes()).isEmpty();
        }
    }

    private static int keysWithPrefix(KeyValueStore<Bytes, ?> store, Bytes prefix) {
        int count = 0;
        try (KeyValueIterator<Bytes, ?> it = store.prefixScan(prefix, new BytesSerializer())) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }
}
