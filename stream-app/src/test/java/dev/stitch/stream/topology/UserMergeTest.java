package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.UserTimeKey;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * R8: {@code alias(previousId=P, userId=U)} makes P a name of U. A user id P is merged: its timeline
 * is emitted on U's as stitched history, continuing U's sequence, and later events that carry P land
 * on U; chains resolve to one canonical user, and a cycle or a repeated alias changes nothing. An
 * anonymous id P is linked to U, with its history (R1, R2).
 */
class UserMergeTest {

    @Test
    void mergesAUserWithATimelineIntoAnotherAsStitchedHistory() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("p1", "user-p", null, "Signed up", at(1)))
                    .send(track("u1", "user-u", null, "Opened", at(2)))
                    .send(track("p2", "user-p", null, "Clicked", at(3)))
                    .send(track("u2", "user-u", null, "Paid", at(4)))
                    .settle();
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-p", "p1", 1L, false, false),
                    new Emitted("user-p", "p2", 2L, false, false),
                    new Emitted("user-u", "u1", 1L, false, false),
                    new Emitted("user-u", "u2", 2L, false, false));

            stitch.send(alias("a1", "user-p", "user-u", null, at(10))).settle();

            assertThat(stitch.changes()).containsExactly(new Change("user-p", ChangeKind.MERGED, "user-u", "user-p", "a1"));
            assertThat(stitch.timeline()).as("P's events, in event-time order, before the alias; older than U's last, so late")
                    .containsExactly(
                            new Emitted("user-u", "p1", 3L, true, true),
                            new Emitted("user-u", "p2", 4L, true, true),
                            new Emitted("user-u", "a1", 5L, false, false));

            stitch.send(track("p3", "user-p", null, "Came back", at(20))).settle();

            assertThat(stitch.timeline()).as("later events that carry P land on U")
                    .containsExactly(new Emitted("user-u", "p3", 6L, false, false));
            assertThat(stitch.changes()).isEmpty();
            assertThat(stitch.store(Catalogue.MERGED_TIMELINES_STORE).get("user-p")).isEqualTo("user-u");
            KeyValueStore<String, UserState> users = stitch.store(Catalogue.USER_STATE_STORE);
            assertThat(users.get("user-p")).as("its place went with its timeline").isNull();
            assertThat(users.get("user-u").getEventCount()).isEqualTo(6);
            assertThat(keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-p"))).isZero();
            assertThat(keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-u"))).isEqualTo(6);
            KeyValueStore<String, UserProfile> profiles = stitch.store(Catalogue.PROFILE_STORE);
            assertThat(profiles.get("user-u").getMergedIds()).containsExactly("user-p");
            assertThat(stitch.metric("merges")).isEqualTo(1.0);
        }
    }

    @Test
    void anAliasOfAnAnonymousIdStitchesItsHistoryAndRoutesItsLaterEvents() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("v1", "pixel-a", "Home", at(1)))
                    .send(page("v2", "pixel-a", "Pricing", at(2)))
                    .send(identify("i1", "user-u", "phone-b", at(3)))
                    .settle();
            assertThat(stitch.timeline()).containsExactly(new Emitted("user-u", "i1", 1L, false, false));
            assertThat(stitch.changes()).containsExactly(new Change("phone-b", ChangeKind.LINKED, "user-u", null, "i1"));

            stitch.send(alias("a1", "pixel-a", "user-u", null, at(10))).settle();

            assertThat(stitch.changes()).as("an anonymous id is linked, not merged: it is no user's name")
                    .containsExactly(new Change("pixel-a", ChangeKind.LINKED, "user-u", null, "a1"));
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-u", "v1", 2L, true, true),
                    new Emitted("user-u", "v2", 3L, true, true),
                    new Emitted("user-u", "a1", 4L, false, false));

            stitch.send(page("v3", "pixel-a", "Docs", at(20))).settle();

            assertThat(stitch.timeline()).containsExactly(new Emitted("user-u", "v3", 5L, false, false));
            assertThat(stitch.anonymous()).containsExactly("pixel-a v1", "pixel-a v2");
            KeyValueStore<String, UserProfile> profiles = stitch.store(Catalogue.PROFILE_STORE);
            assertThat(profiles.get("user-u").getAnonymousIds()).containsExactly("phone-b", "pixel-a");
            assertThat(stitch.store(Catalogue.USER_NAMES_STORE).get("pixel-a")).isNull();
            assertThat(stitch.metric("merges")).isZero();
        }
    }

    @Test
    void aChainResolvesToTheLastUserAndItsAnonymousIdsFollow() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("a1", "user-a", "pixel-a", at(1)))
                    .send(track("b1", "user-b", null, "Opened", at(2)))
                    .send(track("c1", "user-c", null, "Paid", at(3)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            stitch.send(alias("x1", "user-a", "user-b", null, at(10))).settle();

            assertThat(stitch.changes()).containsExactly(
                    new Change("user-a", ChangeKind.MERGED, "user-b", "user-a", "x1"),
                    new Change("pixel-a", ChangeKind.LINKED, "user-b", "user-a", "x1"));
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-b", "a1", 2L, true, true),
                    new Emitted("user-b", "x1", 3L, false, false));

            stitch.send(alias("x2", "user-b", "user-c", null, at(20))).settle();

            assertThat(stitch.changes()).as("every name of B now names C, each straight").containsExactly(
                    new Change("user-a", ChangeKind.MERGED, "user-c", "user-b", "x2"),
                    new Change("user-b", ChangeKind.MERGED, "user-c", "user-b", "x2"),
                    new Change("pixel-a", ChangeKind.LINKED, "user-c", "user-b", "x2"));
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-c", "a1", 2L, true, true),
                    new Emitted("user-c", "b1", 3L, true, true),
                    new Emitted("user-c", "x1", 4L, true, false),
                    new Emitted("user-c", "x2", 5L, false, false));

            stitch.send(track("a2", "user-a", null, "Back", at(30)))
                    .send(page("a3", "pixel-a", "Home", at(31)))
                    .send(track("b2", "user-b", null, "Back", at(32)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-c", "a2", 6L, false, false),
                    new Emitted("user-c", "a3", 7L, false, false),
                    new Emitted("user-c", "b2", 8L, false, false));
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            assertThat(identities.get("pixel-a").getUserId()).isEqualTo("user-c");
            KeyValueStore<String, UserProfile> profiles = stitch.store(Catalogue.PROFILE_STORE);
            assertThat(profiles.get("user-c").getMergedIds()).containsExactlyInAnyOrder("user-a", "user-b");
            assertThat(profiles.get("user-c").getAnonymousIds()).containsExactly("pixel-a");
            assertThat(profiles.get("user-b")).isNull();
        }
    }

    @Test
    void aCycleChangesNothing() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("a1", "user-a", null, "Opened", at(1)))
                    .send(track("b1", "user-b", null, "Opened", at(2)))
                    .send(alias("x1", "user-a", "user-b", null, at(10)))
                    .send(alias("x2", "user-b", "user-a", null, at(11)))
                    .settle();

            assertThat(stitch.changes()).containsExactly(new Change("user-a", ChangeKind.MERGED, "user-b", "user-a", "x1"));
            assertThat(stitch.timeline()).as("the second alias is an event of user-a, which is user-b now").containsExactly(
                    new Emitted("user-a", "a1", 1L, false, false),
                    new Emitted("user-b", "b1", 1L, false, false),
                    new Emitted("user-b", "a1", 2L, true, true),
                    new Emitted("user-b", "x1", 3L, false, false),
                    new Emitted("user-b", "x2", 4L, false, false));
            assertThat(stitch.store(Catalogue.USER_NAMES_STORE).get("user-b")).isNull();
            assertThat(stitch.metric("merges")).isEqualTo(1.0);
        }
    }

    @Test
    void aRepeatedAliasChangesNothing() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("a1", "user-a", null, "Opened", at(1)))
                    .send(alias("x1", "user-a", "user-b", null, at(10)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            stitch.send(alias("x2", "user-a", "user-b", null, at(20)))
                    .send(alias("x3", "user-b", "user-b", null, at(21)))
                    .settle();

            assertThat(stitch.changes()).isEmpty();
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-b", "x2", 3L, false, false),
                    new Emitted("user-b", "x3", 4L, false, false));
        }
    }

    @Test
    void mergesRacedFromTwoPartitionsConvergeOnOneUser() {
        try (var stitch = new StitchDriver()) {
            // Four users, aliased to each other in a ring from four browsers (four partitions), all at once.
            stitch.send(track("a1", "user-a", null, "Opened", at(7)))
                    .send(track("b1", "user-b", null, "Opened", at(8)))
                    .send(track("c1", "user-c", null, "Opened", at(9)))
                    .send(track("d1", "user-d", null, "Opened", at(9)))
                    .send(alias("x1", "user-a", "user-b", "tab-1", at(10)))
                    .send(alias("x2", "user-c", "user-d", "tab-2", at(10)))
                    .send(alias("x3", "user-d", "user-a", "tab-3", at(11)))
                    .send(alias("x4", "user-b", "user-c", "tab-4", at(11)))
                    .settle();

            assertThat(stitch.changes()).as("an anonymous id claimed for a merged user id links to the user it is a name of")
                    .containsExactly(
                    new Change("user-a", ChangeKind.MERGED, "user-b", "user-a", "x1"),
                    new Change("tab-1", ChangeKind.LINKED, "user-b", null, "x1"),
                    new Change("user-c", ChangeKind.MERGED, "user-d", "user-c", "x2"),
                    new Change("tab-2", ChangeKind.LINKED, "user-d", null, "x2"),
                    new Change("user-c", ChangeKind.MERGED, "user-b", "user-d", "x3"),
                    new Change("user-d", ChangeKind.MERGED, "user-b", "user-d", "x3"),
                    new Change("tab-3", ChangeKind.LINKED, "user-b", null, "x3"),
                    new Change("tab-2", ChangeKind.LINKED, "user-b", "user-d", "x3"),
                    new Change("tab-4", ChangeKind.LINKED, "user-b", null, "x4"));
            List<Emitted> timeline = stitch.timeline();
            assertThat(timeline).extracting(Emitted::userId).containsOnly("user-b");
            assertThat(timeline).extracting(Emitted::messageId)
                    .containsExactly("a1", "b1", "c1", "d1", "x1", "x2", "x3", "x4");
            assertThat(timeline).extracting(Emitted::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
            KeyValueStore<String, String> names = stitch.store(Catalogue.USER_NAMES_STORE);
            for (String name : List.of("user-a", "user-c", "user-d")) {
                assertThat(names.get(name)).as(name).isEqualTo("user-b");
            }
        }
    }

    @Test
    void erasingAMergedUserErasesEveryNameAndEveryAnonymousId() {
        for (String requested : List.of("user-a", "user-b")) {
            try (var stitch = new StitchDriver()) {
                stitch.send(identify("i1", "user-a", "pixel-a", at(1)))
                        .send(identify("i2", "user-b", "pixel-b", at(2)))
                        .send(alias("x1", "user-a", "user-b", null, at(10)))
                        .settle();
                stitch.timeline();
                stitch.changes();

                stitch.send(delete("d1", requested, at(20))).settle();

                assertThat(stitch.changes()).as("erased through " + requested).containsExactly(
                        new Change("user-a", ChangeKind.ERASED, null, "user-a", "d1"),
                        new Change("user-a", null, null, null, null),
                        new Change("user-b", ChangeKind.ERASED, null, "user-b", "d1"),
                        new Change("user-b", null, null, null, null),
                        new Change("pixel-a", ChangeKind.ERASED, null, "user-b", "d1"),
                        new Change("pixel-a", null, null, null, null),
                        new Change("pixel-b", ChangeKind.ERASED, null, "user-b", "d1"),
                        new Change("pixel-b", null, null, null, null));
                assertThat(stitch.timeline()).isEmpty();
                for (String user : List.of("user-a", "user-b")) {
                    assertThat(keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix(user))).isZero();
                    assertThat(stitch.store(Catalogue.USER_STATE_STORE).get(user)).isNull();
                    assertThat(stitch.store(Catalogue.PROFILE_STORE).get(user)).isNull();
                    assertThat(stitch.store(Catalogue.USER_NAMES_STORE).get(user)).isNull();
                }
                assertThat(stitch.store(Catalogue.IDENTITIES_STORE).get("pixel-a")).isNull();
                assertThat(stitch.store(Catalogue.IDENTITIES_STORE).get("pixel-b")).isNull();
                assertThat(count(stitch.store(Catalogue.NAMES_BY_USER_STORE))).isZero();
                assertThat(count(stitch.store(Catalogue.MERGED_USERS_STORE))).isZero();
                assertThat(count(stitch.store(Catalogue.MERGED_TIMELINES_STORE))).isZero();
                assertThat(count(stitch.store(Catalogue.USER_LINKS_STORE))).isZero();

                stitch.send(track("a2", "user-a", null, "Back", at(30))).settle();
                assertThat(stitch.timeline()).as("without suppression, a later event starts a new user-a")
                        .containsExactly(new Emitted("user-a", "a2", 1L, false, false));
            }
        }
    }

    @Test
    void aMergedUsersEventStillOnItsWayWhenTheUserIsErasedGoesWithIt() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("b1", "user-b", null, "Opened", at(1)))
                    .send(alias("x1", "user-a", "user-b", null, at(2)))
                    .settle()
                    .send(delete("d1", "user-b", at(10)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            // Moved from user-a before the erasure, arriving after it (the two travel on different topics).
            stitch.sendMoved("user-b", track("a1", "user-a", null, "Clicked", at(5)), at(11))
                    .sendMoved("user-b", track("a2", "user-a", null, "Clicked", at(15)), at(16))
                    .settle();

            assertThat(stitch.timeline()).as("only what reached the pipeline after the request stays")
                    .containsExactly(new Emitted("user-b", "a2", 1L, true, false));
            assertThat(keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-b"))).isEqualTo(1);
        }
    }

    @Test
    void anAliasWithAJunkOrMissingPreviousIdMergesNothing() {
        try (var stitch = new StitchDriver()) {
            stitch.send(alias("x1", "undefined", "user-b", null, at(10)))
                    .send(alias("x2", "  ", "user-b", null, at(11)))
                    .settle();

            assertThat(stitch.changes()).isEmpty();
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("user-b", "x1", 1L, false, false),
                    new Emitted("user-b", "x2", 2L, false, false));
            assertThat(count(stitch.store(Catalogue.USER_NAMES_STORE))).isZero();
        }
    }

    private static SegmentEvent delete(String messageId, String userId, Instant time) {
        return event(messageId, "delete", userId, null, null, time).build();
    }

    private static int keysWithPrefix(KeyValueStore<Bytes, byte[]> store, Bytes prefix) {
        int count = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(prefix, new BytesSerializer())) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }

    private static int count(KeyValueStore<?, ?> store) {
        int count = 0;
        try (KeyValueIterator<?, ?> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }
}
