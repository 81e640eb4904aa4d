package dev.stitch.stream.topology;

import dev.stitch.stream.identity.Decoded;
import dev.stitch.stream.identity.IdentityOutput;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import java.util.Map;

/**
 * Each stage's output split into one typed stream per kind of record, so that the wiring reads as named
 * streams. The split and branch names are the topology's processor names, as they always were.
 */
final class StageOutputs {

    private StageOutputs() {
    }

    /** The decoder's output: dead letters, events keyed by their routing key, and events keyed otherwise. */
    record Decodings(KStream<String, Decoded.DeadLetter> deadLetters, KStream<String, Decoded.Event> keyed,
                     KStream<String, Decoded.Event> misKeyed) {

        static Decodings of(KStream<String, Decoded> decoded) {
            Map<String, KStream<String, Decoded>> branches = decoded
                    .split(Named.as("decoded-"))
                    .branch((key, value) -> value instanceof Decoded.DeadLetter, Branched.as("dead"))
                    .branch((key, value) -> value instanceof Decoded.Event event && event.ids().routingKey().equals(key),
                            Branched.as("keyed"))
                    .branch((key, value) -> value instanceof Decoded.Event, Branched.as("mis-keyed"))
                    .noDefaultBranch();
            return new Decodings(narrowed(branches.get("decoded-dead")), narrowed(branches.get("decoded-keyed")),
                    narrowed(branches.get("decoded-mis-keyed")));
        }
    }

    /**
     * The identity stage's output: link claims, events already on their own user's partition, aliases to
     * check, merges and erasures for the user-name graph, and the rest (events, changes, tombstones).
     */
    record Identified(KStream<String, IdentityOutput.Claim> claims, KStream<String, IdentityOutput.ToOwnUser> toOwnUser,
                      KStream<String, IdentityOutput.Alias> aliases, KStream<String, IdentityOutput.Merge> merges,
                      KStream<String, IdentityOutput> rest) {

        static Identified of(KStream<String, IdentityOutput> identified) {
            Map<String, KStream<String, IdentityOutput>> branches = identified
                    .split(Named.as("identity-"))
                    .branch((key, value) -> value instanceof IdentityOutput.Claim, Branched.as("claim"))
                    .branch((key, value) -> value instanceof IdentityOutput.ToOwnUser, Branched.as("own-user"))
                    .branch((key, value) -> value instanceof IdentityOutput.Alias, Branched.as("alias"))
                    .branch((key, value) -> value instanceof IdentityOutput.Merge, Branched.as("merge"))
                    .defaultBranch(Branched.as("rest"));
            return new Identified(narrowed(branches.get("identity-claim")), narrowed(branches.get("identity-own-user")),
                    narrowed(branches.get("identity-alias")), narrowed(branches.get("identity-merge")),
                    branches.get("identity-rest"));
        }
    }

    /** The alias check's output: a claim of an anonymous id for the alias's user, or a merge of a user id. */
    record AliasChecked(KStream<String, IdentityOutput.Claim> claims, KStream<String, IdentityOutput.Merge> merges) {

        static AliasChecked of(KStream<String, IdentityOutput> checked) {
            Map<String, KStream<String, IdentityOutput>> branches = checked
                    .split(Named.as("alias-"))
                    .branch((key, value) -> value instanceof IdentityOutput.Claim, Branched.as("claim"))
                    .branch((key, value) -> value instanceof IdentityOutput.Merge, Branched.as("merge"))
                    .noDefaultBranch();
            return new AliasChecked(narrowed(branches.get("alias-claim")), narrowed(branches.get("alias-merge")));
        }
    }

    /** The user-name graph's output: commands for the users' anonymous ids, and the rest (changes, tombstones). */
    record Merged(KStream<String, IdentityOutput.Claim> claims, KStream<String, IdentityOutput> rest) {

        static Merged of(KStream<String, IdentityOutput> merged) {
            Map<String, KStream<String, IdentityOutput>> branches = merged
                    .split(Named.as("merges-"))
                    .branch((key, value) -> value instanceof IdentityOutput.Claim, Branched.as("claim"))
                    .defaultBranch(Branched.as("rest"));
            return new Merged(narrowed(branches.get("merges-claim")), branches.get("merges-rest"));
        }
    }

    /**
     * What leaves the identity stages: events for users' timelines, activity of unlinked anonymous ids,
     * and identity changes with the tombstones that follow erased ids' last ones.
     */
    record Published(KStream<String, IdentityOutput.ToUser> toUser, KStream<String, IdentityOutput.StitchedHistory> stitchedHistory,
                     KStream<String, IdentityOutput.Anonymous> anonymous, KStream<String, IdentityOutput> changesAndTombstones) {

        static Published of(KStream<String, IdentityOutput> outputs) {
            Map<String, KStream<String, IdentityOutput>> branches = outputs
                    .split(Named.as("output-"))
                    .branch((key, value) -> value instanceof IdentityOutput.ToUser, Branched.as("to-user"))
                    .branch((key, value) -> value instanceof IdentityOutput.StitchedHistory, Branched.as("stitched-history"))
                    .branch((key, value) -> value instanceof IdentityOutput.Anonymous, Branched.as("anonymous"))
                    .defaultBranch(Branched.as("change"));
            return new Published(narrowed(branches.get("output-to-user")), narrowed(branches.get("output-stitched-history")),
                    narrowed(branches.get("output-anonymous")), branches.get("output-change"));
        }
    }

    /**
     * A branch as a stream of the one kind its predicate let in. Kafka Streams' branches keep the parent's
     * value type; no record of another kind can be in this one, so the narrower type is true.
     */
    @SuppressWarnings("unchecked")
    private static <V, T extends V> KStream<String, T> narrowed(KStream<String, V> branch) {
        return (KStream<String, T>) branch;
    }
}
