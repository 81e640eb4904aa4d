package dev.stitch.stream.timeline;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.stream.config.ProfileBounds;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Any sequence of identify calls, with any traits, in any event-time order, leaves a profile within its
 * bounds that holds the newest values: per trait the value of the latest event time, and of the traits
 * the newest.
 */
class BoundedTraitsPropertyTest {

    /** One identify call: its event time and its traits, each name with its JSON value. */
    record Identify(long time, Map<String, String> traits) {
    }

    private static final int EXAMPLES = 400;
    private static final Gen<String> NAMES = integers().between(0, 59).map(i -> "trait-" + i);
    /** Any text, so that names and values of several UTF-8 bytes per character are counted right. */
    private static final Gen<String> VALUES = strings().allPossible().ofLengthBetween(0, 60).map(text -> TextNode.valueOf(text).toString());
    private static final Gen<Identify> IDENTIFIES = integers().between(0, 15)
            .zip(maps().of(NAMES, VALUES).ofSizeBetween(0, 30), (time, traits) -> new Identify(time, traits));
    private static final Gen<List<Identify>> SEQUENCES = lists().of(IDENTIFIES).ofSizeBetween(0, 25);

    @Test
    void aProfileNeverHoldsMoreTraitsOrTraitBytesThanItsBounds() {
        qt().withExamples(EXAMPLES).forAll(SEQUENCES, integers().between(1, 30), integers().between(1, 3_000))
                .check((identifies, maxTraits, maxBytes) -> {
                    Map<String, TraitValue> traits = apply(identifies, new ProfileBounds(maxTraits, maxBytes, 0, 0));
                    return traits.size() <= maxTraits && BoundedTraits.bytes(traits) <= maxBytes;
                });
    }

    @Test
    void everyTraitKeptHoldsTheValueLastSetAtItsEventTime() {
        qt().withExamples(EXAMPLES).forAll(SEQUENCES, integers().between(1, 30), integers().between(1, 3_000))
                .check((identifies, maxTraits, maxBytes) -> {
                    Map<String, TraitValue> traits = apply(identifies, new ProfileBounds(maxTraits, maxBytes, 0, 0));
                    return traits.entrySet().stream().allMatch(trait ->
                            trait.getValue().getJson().equals(lastValueAt(identifies, trait.getKey(), trait.getValue().getSetAt(), maxBytes)));
                });
    }

    /** Bound by count only: the profile holds exactly the traits set latest (of one time, the names sorting first). */
    @Test
    void boundByCountTheProfileKeepsExactlyTheTraitsSetLatest() {
        qt().withExamples(EXAMPLES).forAll(SEQUENCES, integers().between(1, 30))
                .check((identifies, maxTraits) -> {
                    Map<String, TraitValue> traits = apply(identifies, new ProfileBounds(maxTraits, ProfileBounds.MAX_TRAIT_BYTES_LIMIT, 0, 0));
                    Map<String, Long> latest = new HashMap<>();
                    identifies.forEach(call -> call.traits().keySet().forEach(name -> latest.merge(name, call.time(), Math::max)));
                    Set<String> newest = latest.entrySet().stream()
                            .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                                    .thenComparing(Map.Entry::getKey))
                            .limit(maxTraits)
                            .map(Map.Entry::getKey)
                            .collect(Collectors.toCollection(TreeSet::new));
                    return new TreeSet<>(traits.keySet()).equals(newest)
                            && newest.stream().allMatch(name -> traits.get(name).getSetAt() == latest.get(name)
                            && traits.get(name).getJson().equals(lastValueAt(identifies, name, latest.get(name), ProfileBounds.MAX_TRAIT_BYTES_LIMIT)));
                });
    }

    /** The one identify of the latest event time keeps all its traits whenever they fit the bounds together. */
    @Test
    void theTraitsOfTheLatestIdentifyAreKeptWhenTheyFit() {
        qt().withExamples(EXAMPLES).forAll(SEQUENCES, integers().between(1, 30), integers().between(1, 3_000))
                .check((identifies, maxTraits, maxBytes) -> {
                    long latestTime = identifies.stream().mapToLong(Identify::time).max().orElse(-1);
                    List<Identify> latest = identifies.stream().filter(call -> call.time() == latestTime).toList();
                    if (latest.size() != 1) {
                        return true;
                    }
                    Map<String, String> newest = latest.get(0).traits();
                    long bytes = newest.entrySet().stream().mapToLong(trait -> BoundedTraits.bytes(trait.getKey(), trait.getValue())).sum();
                    if (newest.size() > maxTraits || bytes > maxBytes) {
                        return true;
                    }
                    Map<String, TraitValue> traits = apply(identifies, new ProfileBounds(maxTraits, maxBytes, 0, 0));
                    return newest.entrySet().stream().allMatch(trait -> traits.containsKey(trait.getKey())
                            && traits.get(trait.getKey()).getJson().equals(trait.getValue())
                            && traits.get(trait.getKey()).getSetAt() == latestTime);
                });
    }

    private static Map<String, TraitValue> apply(List<Identify> identifies, ProfileBounds bounds) {
        BoundedTraits bounded = new BoundedTraits(bounds);
        Map<String, TraitValue> traits = new HashMap<>();
        identifies.forEach(call -> bounded.merge(traits, call.traits(), call.time()));
        return traits;
    }

    /** The value the last identify of event time {@code time} gave the trait, of those that fit the bound alone. */
    private static String lastValueAt(List<Identify> identifies, String name, long time, long maxBytes) {
        String value = null;
        for (Identify call : identifies) {
            if (call.time() == time && call.traits().containsKey(name) && BoundedTraits.bytes(name, call.traits().get(name)) <= maxBytes) {
                value = call.traits().get(name);
            }
        }
        return value;
    }
}
