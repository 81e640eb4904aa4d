package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.config.StitchSettings;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

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
 */
class IdentityChangesRebuildTest {

    private static final int EVENTS = 10_000;

    private static final long SEED = 20261128L;

    @Test
    void theMappingRebuiltFromTheChangesEqualsTheApplicationsState() {
        var settings = StitchSettings.defaults()
                .withMaxAnonymousIdsPerUser(4)
                .withHistoryBounds(Duration.ofHours(6), 50, Duration.ofMinutes(10));
        Random random = new Random(SEED);
        Map<String, StitchDriver.Change> latest = new HashMap<>();
        try (var stitch = new StitchDriver(settings)) {
            Instant time = SegmentEvents.T0;
            for (int i = 0; i < EVENTS; i++) {
                // Mostly seconds apart, now and then a quiet spell that lets unlinked histories expire.
                time = time.plusSeconds(random.nextInt(100) == 0 ? 4 * 3600 : random.nextInt(30));
                String anonymous = "anon-" + random.nextInt(800);
                String user = "user-" + random.nextInt(120);
                String messageId = "m" + i;
                int kind = random.nextInt(10);
                if (random.nextInt(200) == 0) {
                    stitch.send(event(messageId, "delete", user, null, null, time).build());
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
                if (i % 500 == 0) {
                    stitch.changes().forEach(change -> apply(latest, change));
                }
            }
            stitch.settle();
            stitch.changes().forEach(change -> apply(latest, change));

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
