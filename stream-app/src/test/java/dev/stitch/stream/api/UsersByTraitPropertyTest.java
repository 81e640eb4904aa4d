package dev.stitch.stream.api;

import dev.stitch.events.IdLimits;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.IndexedTraits;
import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Set;
import java.util.TreeSet;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Whatever a few users do — identify calls with any traits in any event-time order, merges into one
 * another, erasures — the users-by-trait store holds exactly the indexed values of the profiles as
 * they are: no entry of a value a profile no longer has, none missing.
 */
class UsersByTraitPropertyTest {

    /** One step: {@code kind} 0–6 an identify of {@code user}, 7 an alias of it into {@code other}, 8 its erasure. */
    record Step(int kind, int user, int other, int time, int name, int value) {
    }

    private static final int EXAMPLES = 40;
    private static final String[] NAMES = {"email", "plan", "seats", "nick"};
    private static final String[] VALUES = {"\"ada@example.com\"", "\" ADA@Example.com\"", "\"bob@example.com\"", "\"pro\"", "42",
            "true", "{\"city\":\"Paris\"}", "null", "\"" + "v".repeat(300) + "\""};
    private static final Gen<Step> STEPS = integers().between(0, 8).zip(integers().between(0, 2), integers().between(0, 2),
                    integers().between(0, 20), (kind, user, other, time) -> new int[]{kind, user, other, time})
            .zip(integers().between(0, NAMES.length - 1), integers().between(0, VALUES.length - 1),
                    (step, name, value) -> new Step(step[0], step[1], step[2], step[3], name, value));

    @Test
    void theStoreHoldsExactlyTheIndexedTraitValuesOfTheProfiles() {
        qt().withExamples(EXAMPLES).forAll(lists().of(STEPS).ofSizeBetween(1, 15)).check(steps -> {
            try (StitchDriver stitch = new StitchDriver()) {
                int sequence = 0;
                for (Step step : steps) {
                    sequence++;
                    stitch.send(eventOf(step, "m" + sequence), at(100 + sequence));
                }
                stitch.settle();
                return entries(stitch).equals(expected(stitch));
            }
        });
    }

    private static SegmentEvent eventOf(Step step, String messageId) {
        String user = "user-" + step.user();
        if (step.kind() == 7 && step.other() != step.user()) {
            return alias(messageId, user, "user-" + step.other(), null, at(step.time()));
        }
        if (step.kind() == 8) {
            return event(messageId, "delete", user, null, null, at(step.time())).build();
        }
        return identifyWithTraits(messageId, user, null, "{\"" + NAMES[step.name()] + "\":" + VALUES[step.value()] + "}", at(step.time()));
    }

    /** What the profiles say the store should hold, as "value trait userId". */
    private static Set<String> expected(StitchDriver stitch) {
        IndexedTraits indexed = new IndexedTraits(IdLimits.DEFAULT_MAX_LENGTH);
        KeyValueStore<String, UserProfile> profiles = stitch.store(Catalogue.PROFILE_STORE);
        Set<String> expected = new TreeSet<>();
        try (KeyValueIterator<String, UserProfile> all = profiles.all()) {
            all.forEachRemaining(profile -> profile.value.getTraits().forEach((trait, value) -> {
                String text = indexed.indexed(trait, value.getJson());
                if (text != null) {
                    expected.add(text + " " + trait + " " + profile.key);
                }
            }));
        }
        return expected;
    }

    private static Set<String> entries(StitchDriver stitch) {
        return new TreeSet<>(UserSearchTest.entriesOf(stitch));
    }
}
