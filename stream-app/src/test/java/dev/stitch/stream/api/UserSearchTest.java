package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.UsersByTraitKey;
import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.event;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding people by what they are known by, on the stores of a {@link StitchDriver}: the users-by-trait
 * store follows every change of a profile (a changed email, a merge, an erasure), and a search answers
 * user ids, anonymous ids, emails and trait values.
 */
class UserSearchTest {

    private final StitchDriver stitch = new StitchDriver();
    private final UserSearch search = new UserSearch(new DriverStateAccess(stitch));

    @AfterEach
    void close() {
        stitch.close();
    }

    @Test
    void findsAUserByEmailWhateverItsCaseAndByAnyTraitValueExactly() {
        stitch.send(identifyWithTraits("i1", "user-1", "pixel-1",
                "{\"email\":\" Ada@Example.com\",\"plan\":\"pro\",\"seats\":42,\"vip\":true,\"address\":{\"city\":\"Paris\"},\"nick\":null}",
                at(1))).settle();

        assertThat(search.search("ADA@example.COM", 20).toString()).isEqualTo("{\"query\":\"ADA@example.COM\",\"matches\":["
                + "{\"userId\":\"user-1\",\"matchedBy\":\"email\",\"trait\":\"email\",\"value\":\"ada@example.com\"}]}");
        assertThat(search.search("pro", 20).toString()).isEqualTo("{\"query\":\"pro\",\"matches\":["
                + "{\"userId\":\"user-1\",\"matchedBy\":\"trait\",\"trait\":\"plan\",\"value\":\"pro\"}]}");
        assertThat(matches("42")).containsExactly("user-1 trait seats 42");
        assertThat(matches("true")).containsExactly("user-1 trait vip true");
        assertThat(matches("Pro")).as("a trait other than email is compared exactly").isEmpty();
        assertThat(matches("Paris")).as("objects are not indexed").isEmpty();
        assertThat(entries()).containsExactlyInAnyOrder("42 seats user-1", "ada@example.com email user-1", "pro plan user-1", "true vip user-1");

        assertThat(search.usersWith("email", "ada@EXAMPLE.com  ", 20).toString()).isEqualTo("{\"users\":[\"user-1\"]}");
        assertThat(search.usersWith("plan", "pro", 20).toString()).isEqualTo("{\"users\":[\"user-1\"]}");
        assertThat(search.usersWith("seats", "pro", 20).toString()).isEqualTo("{\"users\":[]}");
    }

    @Test
    void findsAUserByItsIdAnAnonymousIdByItsUserAndAMergedIdByItsCanonicalUser() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identifyWithTraits("i1", "user-42", "pixel-1", "{\"plan\":\"pro\"}", at(2)))
                .send(track("t1", "user-old", null, "Signed up", at(3)))
                .send(alias("a1", "user-old", "user-42", null, at(4)))
                .settle();

        assertThat(matches("user-42")).containsExactly("user-42 userId - user-42");
        assertThat(matches("pixel-1")).containsExactly("user-42 anonymousId - pixel-1");
        assertThat(matches("user-old")).containsExactly("user-42 userId - user-old");
        assertThat(matches("nobody")).isEmpty();
    }

    @Test
    void aChangedEmailMovesTheEntryAndALateIdentifyWithAnOlderOneMovesNothing() {
        stitch.send(identifyWithTraits("i1", "user-1", null, "{\"email\":\"ada@old.example\"}", at(1)))
                .send(identifyWithTraits("i2", "user-1", null, "{\"email\":\"ada@new.example\"}", at(2)))
                .settle();
        assertThat(matches("ada@old.example")).isEmpty();
        assertThat(matches("ada@new.example")).containsExactly("user-1 email email ada@new.example");

        stitch.send(identifyWithTraits("i0", "user-1", null, "{\"email\":\"ada@older.example\"}", at(0)), at(30)).settle();

        assertThat(entries()).containsExactly("ada@new.example email user-1");
    }

    @Test
    void anEmailChangedOnlyInCaseKeepsItsOneEntry() {
        stitch.send(identifyWithTraits("i1", "user-1", null, "{\"email\":\"ada@example.com\"}", at(1)))
                .send(identifyWithTraits("i2", "user-1", null, "{\"email\":\"ADA@example.com\"}", at(2)))
                .settle();

        assertThat(entries()).containsExactly("ada@example.com email user-1");
    }

    @Test
    void aMergedUsersEntriesGoAndItsUserIsFoundByItsEmailThroughTheMovedIdentify() {
        stitch.send(identifyWithTraits("i1", "user-p", null, "{\"email\":\"p@example.com\",\"plan\":\"free\"}", at(1)))
                .send(track("t1", "user-u", null, "Opened", at(2)))
                .settle()
                .send(alias("a1", "user-p", "user-u", null, at(3)))
                .settle();

        assertThat(matches("p@example.com")).containsExactly("user-u email email p@example.com");
        assertThat(entries()).as("P's entries are gone; U holds the traits its moved identify brought")
                .containsExactlyInAnyOrder("free plan user-u", "p@example.com email user-u");
    }

    @Test
    void aMergedUsersOlderEmailLosesToTheEmailItsUserSetLater() {
        stitch.send(identifyWithTraits("i1", "user-p", null, "{\"email\":\"p@example.com\"}", at(1)))
                .send(identifyWithTraits("i2", "user-u", null, "{\"email\":\"u@example.com\"}", at(2)))
                .settle()
                .send(alias("a1", "user-p", "user-u", null, at(3)))
                .settle();

        assertThat(matches("p@example.com")).isEmpty();
        assertThat(matches("u@example.com")).containsExactly("user-u email email u@example.com");
        assertThat(entries()).containsExactly("u@example.com email user-u");
    }

    @Test
    void aSharedDeviceFindsEachUserByTheirOwnEmailOnly() {
        stitch.send(identifyWithTraits("i1", "user-a", "pixel-shared", "{\"email\":\"a@example.com\"}", at(1)))
                .send(page("p1", "pixel-shared", "Home", at(2)))
                .send(identifyWithTraits("i2", "user-b", "pixel-shared", "{\"email\":\"b@example.com\"}", at(3)))
                .settle();

        assertThat(matches("a@example.com")).containsExactly("user-a email email a@example.com");
        assertThat(matches("b@example.com")).containsExactly("user-b email email b@example.com");
        assertThat(matches("pixel-shared")).as("the latest login wins the device").containsExactly("user-b anonymousId - pixel-shared");
    }

    @Test
    void anErasureRemovesEveryEntryOfTheUser() {
        stitch.send(identifyWithTraits("i1", "user-1", "pixel-1", "{\"email\":\"ada@example.com\",\"plan\":\"pro\"}", at(1)))
                .send(identifyWithTraits("i2", "user-2", null, "{\"plan\":\"pro\"}", at(2)))
                .settle()
                .send(delete("d1", "user-1", at(5)))
                .settle();

        assertThat(entries()).containsExactly("pro plan user-2");
        assertThat(matches("ada@example.com")).isEmpty();
        assertThat(matches("user-1")).isEmpty();
        assertThat(matches("pixel-1")).isEmpty();
    }

    @Test
    void valuesLongerThanTheIdLimitAreNotIndexed() {
        String longest = "v".repeat(256);
        stitch.send(identifyWithTraits("i1", "user-1", null,
                "{\"fits\":\"" + longest + "\",\"long\":\"" + longest + "w\",\"escaped\":\"" + "\\u00e9".repeat(256) + "\"}",
                at(1))).settle();

        assertThat(entries()).containsExactlyInAnyOrder("é".repeat(256) + " escaped user-1", longest + " fits user-1");
    }

    @Test
    void aValueManyUsersShareAnswersTheLimitEachUserOnce() {
        for (int user = 1; user <= 5; user++) {
            stitch.send(identifyWithTraits("i" + user, "user-" + user, null, "{\"plan\":\"pro\",\"tier\":\"pro\"}", at(user)));
        }
        stitch.settle();

        assertThat(matches("pro", 3)).containsExactly("user-1 trait plan pro", "user-2 trait plan pro", "user-3 trait plan pro");
        assertThat(search.usersWith("tier", "pro", 2).toString()).isEqualTo("{\"users\":[\"user-1\",\"user-2\"]}");
    }

    @Test
    void profilesStoredBeforeTheStoreExistedAreIndexedOnceAtTheFirstRecord() {
        // A profile as an earlier version left it, with no users-by-trait entries.
        stitch.<String, UserProfile>store(Catalogue.PROFILE_STORE).put("user-old", new UserProfile(
                new HashMap<>(Map.of("email", new TraitValue("\"Old@Example.com\"", 1L))), new ArrayList<>(), new ArrayList<>(), 0L, 0L,
                null, null));
        assertThat(matches("old@example.com")).isEmpty();

        stitch.send(track("t1", "user-new", null, "Opened", at(1))).settle();

        assertThat(matches("old@example.com")).containsExactly("user-old email email old@example.com");
        KeyValueStore<Bytes, byte[]> store = stitch.store(Catalogue.USERS_BY_TRAIT_STORE);
        assertThat(store.get(UsersByTraitKey.of("", "", ""))).as("done once: the next start only reads this").isNotNull();
    }

    private static SegmentEvent delete(String messageId, String userId, Instant time) {
        return event(messageId, "delete", userId, null, null, time).build();
    }

    private List<String> matches(String query) {
        return matches(query, 20);
    }

    /** Each match as "userId matchedBy trait value", "-" for no trait. */
    private List<String> matches(String query, int limit) {
        ObjectNode answer = search.search(query, limit);
        List<String> matches = new ArrayList<>();
        answer.get("matches").forEach(match -> matches.add(match.get("userId").asText() + " " + match.get("matchedBy").asText() + " "
                + (match.has("trait") ? match.get("trait").asText() : "-") + " " + match.get("value").asText()));
        return matches;
    }

    /**
     * Every entry of the users-by-trait store as "value trait userId", in key order; without the one
     * that says the profiles stored before the store existed were indexed.
     */
    private List<String> entries() {
        return entriesOf(stitch);
    }

    /** As {@link #entries()}, of any driver's store. */
    static List<String> entriesOf(StitchDriver stitch) {
        KeyValueStore<Bytes, byte[]> store = stitch.store(Catalogue.USERS_BY_TRAIT_STORE);
        List<String> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> {
                UsersByTraitKey.Entry read = UsersByTraitKey.read(entry.key);
                if (!read.userId().isEmpty()) {
                    entries.add(read.value() + " " + read.trait() + " " + read.userId());
                }
            });
        }
        return entries;
    }
}
