package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A downstream service can rebuild the whole id → user mapping from stitch.identity-changes alone:
 * after a seeded random mix of anonymous activity, identifies from the browser and from servers
 * (second anonymous ids), aliases of user ids and of anonymous ids (merges, chains and cycles among
 * them), shared devices, users reaching their limit of anonymous ids, histories expiring and users
 * erased, the mapping rebuilt from the changes equals the application's state: its identities store,
 * with each user resolved through its user-name graph.
 *
 * <p>Erased users come back, seconds to days later, on a device with history from before their
 * erasure (R13): while the cut-off is kept, no event received before the request reaches the user's
 * new timeline, and no id's latest change from before an erasure names the erased user.
 */
class IdentityChangesRebuildTest {

    private static final int EVENTS = 10_000;

    private static final long SEED = 20261128L;

    /** How long after its erasure a user comes back: within the grace, after twelve of them, hours, days. */
    private static final Duration[] RETURN_DELAYS = {
            Duration.ofSeconds(3), Duration.ofSeconds(75), Duration.ofHours(2), Duration.ofDays(3), Duration.ofDays(10)};

    /** An erased user's return, due at a time, on a device that has history from before the erasure. */
    private record Return(String userId, String device, Instant due) {
    }

    @Test
    void theMappingRebuiltFromTheChangesEqualsTheApplicationsState() {
        var settings = StitchSettings.defaults()
                .withMaxAnonymousIdsPerUser(4)
                .withHistoryBounds(Duration.ofHours(6), 50, Duration.ofMinutes(10));
        Random random = new Random(SEED);
        Map<String, StitchDriver.Change> latest = new HashMap<>();
        // A cut-off is kept at least as long as the history retention and the dedup window (here the longer).
        ErasureWatch erasures = new ErasureWatch(settings.dedupWindow());
        List<Return> returns = new ArrayList<>();
        try (var stitch = new StitchDriver(settings)) {
            Instant time = SegmentEvents.T0;
            for (int i = 0; i < EVENTS; i++) {
                // Mostly seconds apart, now and then a quiet spell that lets unlinked histories expire.
                time = time.plusSeconds(random.nextInt(100) == 0 ? 4 * 3600 : random.nextInt(30));
                String anonymous = "anon-" + random.nextInt(800);
                String user = "user-" + random.nextInt(120);
                String messageId = "m" + i;
                int kind = random.nextInt(10);
                for (Return back : List.copyOf(returns)) {
                    if (!back.due().isAfter(time)) {
                        returns.remove(back);
                        stitch.send(identify(messageId + "-back", back.userId(), back.device(), time));
                    }
                }
                if (random.nextInt(200) == 0) {
                    // History on a device the user comes back on; everything before the request let out; the
                    // request at the same time, so that nothing else comes due while it is processed.
                    String device = "back-" + i;
                    stitch.send(page(messageId + "-before", device, "Page", time)).settle();
                    erasures.read(stitch, latest);
                    stitch.send(event(messageId, "delete", user, null, null, time).build());
                    erasures.erased(user, time);
                    returns.add(new Return(user, device, time.plus(RETURN_DELAYS[random.nextInt(RETURN_DELAYS.length)])));
                } else if (random.nextInt(25) == 0) {
                    if (random.nextBoolean()) {
                        // A server merging two users, from a browser or not.
                        stitch.send(alias(messageId, "user-" + random.nextInt(120), user, random.nextBoolean() ? anonymous : null, time));
                    } else {
                        // The browser's own alias: its anonymous id becomes the user's.
                        stitch.send(alias(messageId, anonymous, user, anonymous, time));
                    }
                } else if (kind < 5) {
                    stitch.send(page(messageId, anonymous, "Page", time));
                } else if (kind < 7) {
                    stitch.send(identify(messageId, user, anonymous, time));
                } else if (kind < 8) {
                    stitch.send(event(messageId, "identify", user, anonymous, "pixel-" + random.nextInt(300), time).build());
                } else {
                    stitch.send(track(messageId, user, null, "Clicked", time));
                }
                erasures.read(stitch, latest);
            }
            stitch.settle();
            erasures.read(stitch, latest);
            assertThat(erasures.returned).as("erased users came back on a new timeline").isGreaterThan(20);
            assertThat(erasures.violations).as("events from before an erasure on the user's new timeline").isEmpty();
            assertThat(erasures.leftovers()).as("latest changes from before an erasure that name the erased user").isEmpty();

            Map<String, String> rebuilt = new HashMap<>();
            latest.keySet().forEach(id -> rebuilt.put(id, resolve(latest, id)));

            KeyValueStore<String, String> names = stitch.store(Catalogue.USER_NAMES_STORE);
            Map<String, String> stored = new HashMap<>();
            try (KeyValueIterator<String, String> all = names.all()) {
                all.forEachRemaining(entry -> stored.put(entry.key, entry.value));
            }
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            try (KeyValueIterator<String, IdentityState> all = identities.all()) {
                while (all.hasNext()) {
                    KeyValue<String, IdentityState> entry = all.next();
                    String user = entry.value.getUserId();
                    if (user != null) {
                        String canonical = names.get(user);
                        stored.put(entry.key, canonical == null ? user : canonical);
                    }
                }
            }
            assertThat(stored).as("links were made").hasSizeGreaterThan(250);
            assertThat(stitch.metric("refused-limit")).as("some users reached their limit").isPositive();
            assertThat(stitch.metric("conflicts")).as("some devices were shared").isPositive();
            assertThat(stitch.metric("ids-expired")).as("some ids were forgotten").isPositive();
            assertThat(stitch.metric("erasures")).as("some users were erased").isPositive();
            assertThat(stitch.metric("merges")).as("some users were merged").isGreaterThan(50);
            Map<String, String> differences = new java.util.TreeMap<>();
            rebuilt.forEach((id, user) -> {
                if (!user.equals(stored.get(id))) {
                    differences.put(id, "changes say " + user + ", state says " + stored.get(id));
                }
            });
            stored.forEach((id, user) -> {
                if (!rebuilt.containsKey(id)) {
                    differences.put(id, "changes say nothing, state says " + user);
                }
            });
            assertThat(differences).as("ids whose mapping differs").isEmpty();
        }
    }

    /**
     * Watches the outputs for what an erasure must have cut off: events received before it on the
     * erased user's timeline, while its cut-off is kept; ids whose latest change, written before the
     * erasure, still names the user (in a field or in its reason) once compaction keeps only that one.
     */
    private static final class ErasureWatch {
        private final Duration cutOffKeptAtLeast;
        private final Map<String, Instant> erasedAt = new HashMap<>();
        private final Map<String, Integer> erasedAfterChange = new HashMap<>();
        /** Each id's latest change, with its position among all changes; tombstones remove. */
        private final Map<String, Map.Entry<Integer, IdentityChange>> latestRecords = new HashMap<>();
        private final List<String> violations = new ArrayList<>();
        private int changesSeen;
        private int returned;

        ErasureWatch(Duration cutOffKeptAtLeast) {
            this.cutOffKeptAtLeast = cutOffKeptAtLeast;
        }

        void erased(String userId, Instant at) {
            erasedAt.put(userId, at);
            erasedAfterChange.put(userId, changesSeen);
        }

        void read(StitchDriver stitch, Map<String, StitchDriver.Change> latest) {
            for (TestRecord<String, IdentityChange> record : stitch.changeRecords()) {
                IdentityChange value = record.value();
                apply(latest, value == null ? new StitchDriver.Change(record.key(), null, null, null, null)
                        : new StitchDriver.Change(record.key(), value.getKind(), value.getUserId(), value.getPreviousUserId(), value.getMessageId()));
                if (value == null) {
                    latestRecords.remove(record.key());
                } else {
                    latestRecords.put(record.key(), Map.entry(changesSeen, value));
                }
                changesSeen++;
            }
            for (TestRecord<String, TimelineEvent> record : stitch.timelineRecords()) {
                Instant cutOff = erasedAt.get(record.key());
                if (cutOff == null) {
                    continue;
                }
                if (record.value().getSequence() == 1) {
                    returned++;
                }
                Instant receivedAt = record.value().getEvent().getReceivedAt();
                if (!receivedAt.isAfter(cutOff) && !record.getRecordTime().isAfter(cutOff.plus(cutOffKeptAtLeast))) {
                    violations.add(record.key() + " got " + record.value().getEvent().getMessageId() + ", received at " + receivedAt
                            + ", after its erasure at " + cutOff);
                }
            }
        }

        List<String> leftovers() {
            List<String> found = new ArrayList<>();
            latestRecords.forEach((id, positioned) -> erasedAfterChange.forEach((userId, position) -> {
                IdentityChange change = positioned.getValue();
                if (positioned.getKey() < position && names(change, userId)) {
                    found.add(id + " " + change.getKind() + " (" + change.getReason() + ") names " + userId + ", erased since");
                }
            }));
            return found;
        }

        private static boolean names(IdentityChange change, String userId) {
            return userId.equals(change.getUserId()) || userId.equals(change.getPreviousUserId())
                    || Pattern.compile("(?<![\\w-])" + Pattern.quote(userId) + "(?![\\w-])").matcher(change.getReason()).find();
        }
    }

    /** What a downstream service keeps of each change: the latest change of each id, none after its tombstone or erasure. */
    private static void apply(Map<String, StitchDriver.Change> latest, StitchDriver.Change change) {
        if (change.userId() == null) {
            latest.remove(change.id());
        } else {
            latest.put(change.id(), change);
        }
    }

    /** The user an id maps to, through the merges of that user into others (R8). */
    private static String resolve(Map<String, StitchDriver.Change> latest, String id) {
        String user = latest.get(id).userId();
        for (int hops = 0; hops < latest.size(); hops++) {
            StitchDriver.Change merged = latest.get(user);
            if (merged == null || merged.kind() != ChangeKind.MERGED) {
                return user;
            }
            user = merged.userId();
        }
        throw new AssertionError("the changes name a cycle of merges through " + id);
    }
}
