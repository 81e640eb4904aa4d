package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.config.ConflictPolicy;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.ErasureMemory;
import dev.stitch.stream.state.UserTimeKey;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.stitch.stream.topology.SegmentEvents.alias;
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
            assertThat(StitchDriver.keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-1"))).isZero();
            assertThat(stitch.store(Catalogue.USER_STATE_STORE).get("user-1")).isNull();
            assertThat(stitch.store(Catalogue.PROFILE_STORE).get("user-1")).isNull();
            assertThat(StitchDriver.keysWithPrefix(stitch.store(Catalogue.USER_LINKS_STORE), UserTimeKey.prefix("user-1"))).isZero();
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

    /**
     * The reported case: a visitor's page view on a device, the user's erasure, then the user identifies
     * on that device. Whether seconds or weeks pass, the page view (received before the request) stays
     * erased: the new profile holds only the identify.
     */
    @ParameterizedTest(name = "returning after {0}")
    @ValueSource(strings = {"PT3S", "PT75S", "PT2H", "P29D"})
    void anErasedUsersReturnHoldsOnlyWhatCameAfterTheRequestWhateverTheDelay(String delay) {
        Duration afterRequest = Duration.parse(delay);
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "device-d", "Home", at(1)))
                    .send(delete("d1", "user-x", at(10)));
            Instant returned = at(10).plus(afterRequest);
            stitch.idle(afterRequest)
                    .send(identify("i1", "user-x", "device-d", returned), returned)
                    .settle();

            assertThat(stitch.timeline()).as("only the identify, on a new timeline")
                    .containsExactly(new Emitted("user-x", "i1", 1L, false, false));
            assertThat(stitch.changes()).containsExactly(
                    new Change("user-x", ChangeKind.ERASED, null, "user-x", "d1"),
                    new Change("user-x", null, null, null, null),
                    new Change("device-d", ChangeKind.LINKED, "user-x", null, "i1"));
            assertThat(StitchDriver.keysWithPrefix(stitch.store(Catalogue.TIMELINE_STORE), UserTimeKey.prefix("user-x")))
                    .as("the query API's timeline holds the identify only").isEqualTo(1);
            assertThat(((UserProfile) stitch.store(Catalogue.PROFILE_STORE).get("user-x")).getAnonymousIds()).containsExactly("device-d");
        }
    }

    /**
     * An erased user id that later becomes a name of another user (R8): a device whose history was
     * received before the erasure, and whose link to the erased id is claimed only after the alias,
     * brings none of that history to the other user.
     */
    @Test
    void anErasedUserIdAliasedIntoAnotherUserBringsNoHistoryFromBeforeTheErasure() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("q1", "user-q", null, "Signed Up", at(2)))
                    .send(page("p1", "device-d", "Home", at(5)))
                    .send(delete("d1", "user-x", at(10)))
                    .send(alias("a1", "user-x", "user-q", null, at(20)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            stitch.send(identify("i1", "user-x", "device-d", at(30)), at(30)).settle();

            assertThat(stitch.timeline()).as("the identify on user-q, without the page view from before the erasure")
                    .extracting(Emitted::messageId).containsExactly("i1");
            assertThat(StitchDriver.keysWithPrefix(stitch.store(Catalogue.ANONYMOUS_HISTORY_STORE), UserTimeKey.prefix("device-d")))
                    .as("the erased history left the buffer").isZero();
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            IdentityState device = identities.get("device-d");
            assertThat(device == null ? List.of() : device.getHeld()).as("and the id's own state").isEmpty();
        }
    }

    @Test
    void afterTheHistoryRetentionTheHistoryItselfIsGoneAndNothingIsStitched() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "device-d", "Home", at(1)))
                    .send(delete("d1", "user-x", at(10)));
            Instant returned = at(10).plus(Duration.ofDays(31));
            stitch.send(identify("i1", "user-x", "device-d", returned), returned).settle();

            assertThat(stitch.timeline()).containsExactly(new Emitted("user-x", "i1", 1L, false, false));
            assertThat(stitch.changes()).containsExactly(
                    new Change("user-x", ChangeKind.ERASED, null, "user-x", "d1"),
                    new Change("user-x", null, null, null, null),
                    new Change("device-d", ChangeKind.EXPIRED, null, null, null),
                    new Change("device-d", ChangeKind.LINKED, "user-x", null, "i1"));
        }
    }

    @Test
    void aRetryOfAnErasedMessageIsNotStitchedBackWhetherItIsRecognisedAsARetryOrComesWithItsOriginalReceivedAt() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("p1", "device-d", "Home", at(1)))
                    .send(identify("i1", "user-x", "device-d", at(2)))
                    .settle()
                    .send(delete("d1", "user-x", at(10)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            // Segment retries within its dedup window; the bridge stamps the retry's receivedAt anew.
            SegmentEvent retried = page("p1", "device-d", "Home", at(1));
            retried.setReceivedAt(at(12));
            // A copy replayed later, after the dedup window, still carries the receivedAt of the first.
            Instant replayedAt = at(10).plus(Duration.ofHours(25));
            stitch.send(retried, at(12))
                    .send(page("p1", "device-d", "Home", at(1)), replayedAt)
                    .send(identify("i2", "user-x", "device-d", replayedAt.plusSeconds(1)), replayedAt.plusSeconds(1))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(new Emitted("user-x", "i2", 1L, false, false));
            assertThat(stitch.metric("duplicates")).as("the retry within the window").isEqualTo(1.0);
        }
    }

    @Test
    void aMergedNameErasedAndReusedStartsAfreshWithoutItsOldNamesHistory() {
        try (var stitch = new StitchDriver()) {
            stitch.send(identify("i1", "user-a", "pixel-a", at(1)))
                    .send(identify("i2", "user-b", "pixel-b", at(2)))
                    .send(alias("x1", "user-a", "user-b", null, at(3)))
                    .send(page("z1", "device-z", "Home", at(4)))
                    .settle()
                    .send(delete("d1", "user-a", at(10)))
                    .settle();
            stitch.timeline();
            stitch.changes();

            Instant reused = at(10).plus(Duration.ofDays(2));
            stitch.send(identify("i3", "user-a", "device-z", reused), reused)
                    .send(track("t3", "user-b", null, "Back", reused.plusSeconds(1)), reused.plusSeconds(1))
                    .settle();

            assertThat(stitch.timeline()).as("each name starts afresh, apart from the other")
                    .containsExactly(new Emitted("user-a", "i3", 1L, false, false), new Emitted("user-b", "t3", 1L, false, false));
            assertThat(stitch.changes()).containsExactly(new Change("device-z", ChangeKind.LINKED, "user-a", null, "i3"));
            assertThat(stitch.store(Catalogue.MERGED_TIMELINES_STORE).get("user-a")).isNull();
        }
    }

    @Test
    void theCutOffIsDeletedWithATombstoneOnceNothingFromBeforeItCanSurface() {
        StitchSettings settings = StitchSettings.defaults();
        try (var stitch = new StitchDriver(settings)) {
            stitch.send(identify("i1", "user-x", "device-d", at(1)))
                    .send(delete("d1", "user-x", at(10)))
                    .settle();
            Instant justBefore = at(10).plus(settings.erasureCutOffKept()).minusSeconds(1);
            String cutOffKey = ErasureMemory.keyOf("user-x");
            assertThat(cutOffKey).as("the cut-off names no one").doesNotContain("user-x").hasSize(64);
            stitch.send(page("p1", "other-device", "Home", justBefore), justBefore);
            assertThat(stitch.store(Catalogue.ERASED_USERS_STORE).get(cutOffKey)).isEqualTo(at(10).toEpochMilli());
            assertThat(stitch.store(Catalogue.RECENT_ERASURES_STORE).get(cutOffKey)).isEqualTo(at(10).toEpochMilli());

            Instant afterSweep = at(10).plus(settings.erasureCutOffKept()).plus(settings.historyExpiryScanInterval());
            stitch.send(page("p2", "other-device", "Home", afterSweep), afterSweep);

            assertThat(stitch.store(Catalogue.ERASED_USERS_STORE).get(cutOffKey)).isNull();
            assertThat(stitch.store(Catalogue.RECENT_ERASURES_STORE).get(cutOffKey)).isNull();
            for (String store : List.of(Catalogue.ERASED_USERS_STORE, Catalogue.RECENT_ERASURES_STORE)) {
                List<String> written = stitch.changelog(store).stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8) + "=" + (r.value() == null ? "tombstone" : r.value().length + " bytes"))
                        .toList();
                assertThat(written).as(store + ": one long under the id's hash, then a tombstone")
                        .containsExactly(cutOffKey + "=8 bytes", cutOffKey + "=tombstone");
            }
        }
    }

    @Test
    void noLatestChangeOfAnyIdNamesTheErasedUserSharedDevicesAndRefusalsIncluded() {
        for (ConflictPolicy policy : ConflictPolicy.values()) {
            try (var stitch = new StitchDriver(StitchSettings.defaults().withConflictPolicy(policy).withMaxAnonymousIdsPerUser(2))) {
                stitch.send(identify("i1", "user-v", "shared-1", at(1)))
                        .send(identify("i2", "user-u", "shared-1", at(2)))          // moves to user-u, or stays with user-v
                        .send(identify("i3", "user-u", "shared-2", at(3)))
                        .send(identify("i4", "user-v", "shared-2", at(4)))          // the other way round
                        .send(identify("i5", "user-v", "kiosk-1", at(5)))           // user-v is at its limit: refused
                        .send(identify("i6", "user-w", "app-w", at(6)))
                        .send(identify("i7", "user-w", "app-w2", at(7)))
                        .send(identify("i8", "user-v", "pixel-v", at(8)))           // refused too
                        .send(identify("i9", "user-w", "shared-3", at(9)))          // user-w at its limit
                        .settle();
                List<TestRecord<String, IdentityChange>> changes = new ArrayList<>(stitch.changeRecords());
                assertThat(latestNaming(changes, "user-v")).as(policy + ": before the erasure, changes name user-v").isNotEmpty();

                stitch.send(delete("d1", "user-v", at(20))).settle();
                changes.addAll(stitch.changeRecords());

                assertThat(latestNaming(changes, "user-v")).as(policy + ": latest changes still naming user-v").isEmpty();
                assertThat(latestNaming(changes, "user-u")).as(policy + ": user-u is still there").isNotEmpty();
            }
        }
    }

    /** The latest record of each id, as compaction keeps it, that names {@code userId} in a field or in its reason. */
    private static List<String> latestNaming(List<TestRecord<String, IdentityChange>> changes, String userId) {
        Map<String, IdentityChange> latest = new LinkedHashMap<>();
        for (TestRecord<String, IdentityChange> record : changes) {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), record.value());
            }
        }
        Pattern named = Pattern.compile("(?<![\\w-])" + Pattern.quote(userId) + "(?![\\w-])");
        return latest.values().stream()
                .filter(change -> userId.equals(change.getUserId()) || userId.equals(change.getPreviousUserId())
                        || named.matcher(change.getReason()).find())
                .map(change -> change.getId() + " " + change.getKind() + ": " + change.getReason())
                .toList();
    }

    @Test
    void aDeleteWithoutAUsableUserIdIsADeadLetter() {
        try (var stitch = new StitchDriver()) {
            stitch.send(event("d1", "delete", "undefined", "pixel-a", null, at(1)).build(), at(1));

            assertThat(stitch.deadLetters()).hasSize(1);
            assertThat(stitch.changes()).isEmpty();
        }
    }
}
