package dev.stitch.stream.topology;

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

import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A downstream service can rebuild the whole id → user mapping from stitch.identity-changes alone:
 * after a seeded random mix of anonymous activity, identifies from the browser and from servers
 * (second anonymous ids), shared devices, users reaching their limit of anonymous ids, histories
 * expiring and users erased, the mapping rebuilt from the changes equals the application's identities store.
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
        Map<String, String> rebuilt = new HashMap<>();
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
                    stitch.changes().forEach(change -> apply(rebuilt, change));
                }
            }
            stitch.settle();
            stitch.changes().forEach(change -> apply(rebuilt, change));

            Map<String, String> stored = new HashMap<>();
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            try (KeyValueIterator<String, IdentityState> all = identities.all()) {
                while (all.hasNext()) {
                    KeyValue<String, IdentityState> entry = all.next();
                    if (entry.value.getUserId() != null) {
                        stored.put(entry.key, entry.value.getUserId());
                    }
                }
            }
            assertThat(stored).as("links were made").hasSizeGreaterThan(300);
            assertThat(stitch.metric("refused-limit")).as("some users reached their limit").isPositive();
            assertThat(stitch.metric("conflicts")).as("some devices were shared").isPositive();
            assertThat(stitch.metric("ids-expired")).as("some ids were forgotten").isPositive();
            assertThat(stitch.metric("erasures")).as("some users were erased").isPositive();
            assertThat(rebuilt).isEqualTo(stored);
        }
    }

    /** What a downstream service does with each change: the id now maps to the change's userId, or to none. */
    private static void apply(Map<String, String> mapping, StitchDriver.Change change) {
        if (change.userId() == null) {
            mapping.remove(change.id());
        } else {
            mapping.put(change.id(), change.userId());
        }
    }
}
