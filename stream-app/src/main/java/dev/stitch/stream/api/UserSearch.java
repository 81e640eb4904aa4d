package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.api.SearchMatch.MatchedBy;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.IndexedTraits;
import dev.stitch.stream.state.UsersByTraitKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds people by what they are known by, in this instance's own partitions: a user id (a merged one
 * answers its canonical user), an anonymous id (its user), an email (case-insensitively) or any trait
 * value (exactly). Every instance answers for its part, the partitions the query API asked it for
 * ({@link SearchParts}), or else for its own active partitions; the query API merges their answers
 * ({@link SearchMatch#answer}), so each instance's answer is already in answer order and bounded.
 */
final class UserSearch {

    /** The stores {@link #search} reads. */
    static final Set<String> SEARCH_STORES = Set.of(Catalogue.USER_STATE_STORE, Catalogue.MERGED_TIMELINES_STORE,
            Catalogue.IDENTITIES_STORE, Catalogue.USERS_BY_TRAIT_STORE);
    /** The stores {@link #usersWith} reads. */
    static final Set<String> TRAIT_STORES = Set.of(Catalogue.USERS_BY_TRAIT_STORE);

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private final StateAccess state;
    /** The partitions to read; null for this instance's own active ones. */
    private final SearchParts parts;

    UserSearch(StateAccess state) {
        this(state, null);
    }

    private UserSearch(StateAccess state, SearchParts parts) {
        this.state = state;
        this.parts = parts;
    }

    /** The same search, over the partitions of {@code part} only, each from the copy it names. */
    UserSearch reading(SearchParts part) {
        return new UserSearch(state, part);
    }

    /** {@code {"query", "matches": [...]}}: up to {@code limit} users, each once, the strongest match first. */
    ObjectNode search(String query, int limit) {
        List<SearchMatch> matches = new ArrayList<>();
        UserState user = this.<String, UserState>get(Catalogue.USER_STATE_STORE, query);
        if (user != null && !user.getErased()) {
            matches.add(new SearchMatch(query, MatchedBy.USER_ID, null, query));
        }
        String into = this.<String, String>get(Catalogue.MERGED_TIMELINES_STORE, query);
        if (into != null) {
            matches.add(new SearchMatch(into, MatchedBy.USER_ID, null, query));
        }
        IdentityState identity = this.<String, IdentityState>get(Catalogue.IDENTITIES_STORE, query);
        if (identity != null && identity.getUserId() != null && !identity.getUserId().equals(query)) {
            matches.add(new SearchMatch(identity.getUserId(), MatchedBy.ANONYMOUS_ID, null, query));
        }
        String email = IndexedTraits.email(query);
        if (!email.isEmpty()) {
            scan(UsersByTraitKey.prefix(email, IndexedTraits.EMAIL), limit, entry -> true, matches);
        }
        // Every trait's value as given; an email matched above is not matched again as a trait.
        scan(UsersByTraitKey.prefix(query), limit, entry -> !entry.trait().equals(IndexedTraits.EMAIL), matches);
        ObjectNode body = SegmentEventParser.JSON.createObjectNode().put("query", query);
        ArrayNode list = body.putArray("matches");
        SearchMatch.answer(matches, limit).forEach(match -> list.add(match.json()));
        return body;
    }

    /** {@code {"users": [...]}}: up to {@code limit} users whose trait has the value, by userId. */
    ObjectNode usersWith(String trait, String value, int limit) {
        List<SearchMatch> matches = new ArrayList<>();
        String indexed = IndexedTraits.normalised(trait, value);
        if (!indexed.isEmpty()) {
            scan(UsersByTraitKey.prefix(indexed, trait), limit, entry -> true, matches);
        }
        return users(matches.stream().map(SearchMatch::userId).toList(), limit);
    }

    /** {@code {"users": [...]}} of the users of several answers, each once, by userId, at most {@code limit}. */
    static ObjectNode users(Collection<String> userIds, int limit) {
        ObjectNode body = SegmentEventParser.JSON.createObjectNode();
        ArrayNode list = body.putArray("users");
        new TreeSet<>(userIds).stream().limit(limit).forEach(list::add);
        return body;
    }

    /** The users of answers {@code {"users": [...]}}. */
    static Set<String> usersOf(Collection<? extends JsonNode> answers) {
        Set<String> users = new TreeSet<>();
        answers.forEach(answer -> answer.path("users").forEach(user -> users.add(user.asText())));
        return users;
    }

    /**
     * The users of the entries under {@code prefix} that pass {@code take}, as matches; it stops once
     * it found {@code limit} users, so a value many users share costs no more than the answer needs.
     */
    private void scan(Bytes prefix, int limit, Predicate<UsersByTraitKey.Entry> take, List<SearchMatch> matches) {
        for (ReadOnlyKeyValueStore<Bytes, byte[]> usersByTrait : this.<Bytes, byte[]>stores(Catalogue.USERS_BY_TRAIT_STORE)) {
            Set<String> found = new TreeSet<>();
            try (KeyValueIterator<Bytes, byte[]> entries = usersByTrait.prefixScan(prefix, PREFIX_SERIALIZER)) {
                while (entries.hasNext() && found.size() < limit) {
                    UsersByTraitKey.Entry entry = UsersByTraitKey.read(entries.next().key);
                    if (take.test(entry) && found.add(entry.userId())) {
                        boolean email = entry.trait().equals(IndexedTraits.EMAIL);
                        matches.add(new SearchMatch(entry.userId(), email ? MatchedBy.EMAIL : MatchedBy.TRAIT, entry.trait(), entry.value()));
                    }
                }
            }
        }
    }

    /** The value of {@code key} in the first of the stores read that holds it: a key lives in one partition. */
    private <K, V> V get(String storeName, K key) {
        for (ReadOnlyKeyValueStore<K, V> store : this.<K, V>stores(storeName)) {
            V value = store.get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * The copies of {@code storeName} this search reads: those its part names, or this instance's
     * own active partitions together.
     */
    private <K, V> List<ReadOnlyKeyValueStore<K, V>> stores(String storeName) {
        if (parts == null) {
            return List.of(state.localStore(storeName));
        }
        List<ReadOnlyKeyValueStore<K, V>> stores = new ArrayList<>();
        parts.of(storeName).forEach((partition, replica) -> stores.add(state.store(storeName, partition, replica)));
        return stores;
    }
}
