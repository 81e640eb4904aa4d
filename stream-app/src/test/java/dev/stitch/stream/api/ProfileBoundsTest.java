package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.config.ProfileBounds;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A profile stays within its bounds whatever a client sends: the newest traits are kept and every drop
 * is counted; the latest linked and merged ids are listed, with a count of all of them.
 */
class ProfileBoundsTest {

    private static final String VALUE = "v".repeat(150);

    @Test
    void aFloodOfIdentifiesWithNewTraitsKeepsTheNewest200AndCountsEveryDrop() {
        try (StitchDriver stitch = new StitchDriver()) {
            for (int call = 1; call <= 40; call++) {
                stitch.send(identifyWithTraits("i" + call, "user-1", null, traits(call, 140), at(call)));
            }
            stitch.settle();

            JsonNode traits = profile(stitch, "user-1").get("traits");
            List<String> expected = new ArrayList<>();
            for (int key = 0; key < 140; key++) {
                expected.add(name(40, key));
            }
            for (int key = 0; key < 60; key++) {
                expected.add(name(39, key));
            }
            assertThat(names(traits)).as("the latest identify's 140 and, of the one before, the names sorting first")
                    .containsExactlyElementsOf(new TreeSet<>(expected));
            assertThat(traits.get(name(40, 0)).asText()).isEqualTo(VALUE + 40);
            assertThat(stitch.metric("profile-traits-dropped")).isEqualTo(40 * 140 - 200);
            UserProfile stored = stitch.<String, UserProfile>store(Catalogue.PROFILE_STORE).get("user-1");
            assertThat(stitch.serdes().userProfile().serializer().serialize("profiles", stored).length)
                    .as("the store value, far under Kafka's 1 MB record").isLessThan(40_000);

            // A late identify changes nothing: its new trait is the oldest and leaves at once, its older value loses.
            stitch.send(identifyWithTraits("late", "user-1", null, "{\"plan\":\"free\",\"" + name(40, 0) + "\":\"old\"}", at(5)), at(60))
                    .settle();

            JsonNode after = profile(stitch, "user-1").get("traits");
            assertThat(names(after)).containsExactlyElementsOf(new TreeSet<>(expected));
            assertThat(after.get(name(40, 0)).asText()).isEqualTo(VALUE + 40);
            assertThat(stitch.metric("profile-traits-dropped")).isEqualTo(40 * 140 - 200 + 1);
        }
    }

    @Test
    void beyondTheTraitBytesTheOldestTraitsGoAndATraitTooLargeAloneIsDropped() {
        StitchSettings settings = StitchSettings.defaults().withProfileBounds(new ProfileBounds(200, 1_000, 100, 100));
        try (StitchDriver stitch = new StitchDriver(settings)) {
            String value = "\"" + "x".repeat(300) + "\"";
            stitch.send(identifyWithTraits("i1", "user-1", null, "{\"a\":" + value + ",\"b\":" + value + "}", at(1)))
                    .send(identifyWithTraits("i2", "user-1", null, "{\"c\":" + value + ",\"d\":" + value + "}", at(2)))
                    .send(identifyWithTraits("i3", "user-1", null, "{\"huge\":\"" + "y".repeat(2_000) + "\"}", at(3)))
                    .settle();

            JsonNode traits = profile(stitch, "user-1").get("traits");
            assertThat(names(traits)).as("4 × 303 bytes do not fit 1,000: b, of the oldest, sorts last and goes")
                    .containsExactly("a", "c", "d");
            assertThat(stitch.metric("profile-traits-dropped")).isEqualTo(2);
        }
    }

    @Test
    void theProfileListsTheLatestIdsAndCountsThemAll() {
        StitchSettings settings = StitchSettings.defaults().withProfileBounds(new ProfileBounds(200, 64 * 1024, 2, 2));
        try (StitchDriver stitch = new StitchDriver(settings)) {
            stitch.send(identify("i1", "user-1", "pixel-a", at(1)))
                    .send(identify("i2", "user-1", "pixel-b", at(2)))
                    .send(identify("i3", "user-1", "pixel-c", at(3)))
                    .settle();

            ObjectNode profile = profile(stitch, "user-1");
            assertThat(texts(profile.get("anonymousIds"))).containsExactly("pixel-b", "pixel-c");
            assertThat(profile.get("anonymousIdCount").asLong()).isEqualTo(3);

            // The earliest, no longer listed, moves to another user (a shared device): it is counted off.
            stitch.send(identify("i4", "user-2", "pixel-a", at(4))).settle();

            profile = profile(stitch, "user-1");
            assertThat(texts(profile.get("anonymousIds"))).containsExactly("pixel-b", "pixel-c");
            assertThat(profile.get("anonymousIdCount").asLong()).isEqualTo(2);
            assertThat(texts(profile(stitch, "user-2").get("anonymousIds"))).containsExactly("pixel-a");

            for (int merged = 1; merged <= 3; merged++) {
                stitch.send(track("t" + merged, "user-p" + merged, null, "Opened", at(10 + merged)))
                        .send(alias("a" + merged, "user-p" + merged, "user-1", null, at(20 + merged)));
            }
            stitch.settle();

            profile = profile(stitch, "user-1");
            assertThat(texts(profile.get("mergedIds"))).containsExactly("user-p2", "user-p3");
            assertThat(profile.get("mergedIdCount").asLong()).isEqualTo(3);
        }
    }

    private static ObjectNode profile(StitchDriver stitch, String userId) {
        UserQueries queries = new UserQueries(new DriverStateAccess(stitch), stitch.serdes().timelineEvent().deserializer(),
                StitchSettings.defaults().topics().timeline());
        return queries.profile(userId, 0).orElseThrow();
    }

    /** {@code count} traits new to identify number {@code call}, each of about 170 bytes: 140 make 24 KB, within the bridge's 32 KB. */
    private static String traits(int call, int count) {
        ObjectNode traits = SegmentEventParser.JSON.createObjectNode();
        for (int key = 0; key < count; key++) {
            traits.put(name(call, key), VALUE + call);
        }
        return traits.toString();
    }

    private static String name(int call, int key) {
        return String.format("t%02d_%03d", call, key);
    }

    private static List<String> names(JsonNode traits) {
        List<String> names = new ArrayList<>();
        traits.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(id -> texts.add(id.asText()));
        return texts;
    }
}
