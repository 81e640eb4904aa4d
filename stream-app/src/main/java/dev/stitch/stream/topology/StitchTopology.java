package dev.stitch.stream.topology;

import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.IdentityChange;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.stream.identity.AliasCheck;
import dev.stitch.stream.identity.Decoded;
import dev.stitch.stream.identity.EventDecoder;
import dev.stitch.stream.identity.IdentityOutput;
import dev.stitch.stream.identity.IdentityStage;
import dev.stitch.stream.identity.LinkAnswers;
import dev.stitch.stream.identity.LinkClaims;
import dev.stitch.stream.identity.UserMerges;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.IndexedTraits;
import dev.stitch.stream.state.ProfileStores;
import dev.stitch.stream.state.SeenMessages;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.state.UserProfileValues;
import dev.stitch.stream.state.UserStateValues;
import dev.stitch.stream.state.WriteBackStore;
import dev.stitch.stream.timeline.AnonymousEventEncoder;
import dev.stitch.stream.timeline.IdentityChangeEncoder;
import dev.stitch.stream.timeline.ProfileBook;
import dev.stitch.stream.timeline.StitchedHistoryEncoder;
import dev.stitch.stream.timeline.TimelineEventEncoder;
import dev.stitch.stream.timeline.TimelineOutput;
import dev.stitch.stream.timeline.TimelineStage;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** Builds the stitching topology: one function that shows the whole flow. */
public final class StitchTopology {

    private static final String[] IDENTITY_STORES = {
            Catalogue.IDENTITIES_STORE, Catalogue.ANONYMOUS_HISTORY_STORE};
    private static final String[] TIMELINE_STORES = {
            Catalogue.USER_STATE_STORE, Catalogue.TIMELINE_STORE, Catalogue.PROFILE_STORE,
            Catalogue.RECENT_ERASURES_STORE, Catalogue.MERGED_TIMELINES_STORE, Catalogue.USERS_BY_TRAIT_STORE};

    private StitchTopology() {
    }

    /**
     * @param streamsConfig the application's Kafka Streams configuration: topology-level settings
     *                      (caching, buffering, handlers) are taken from it
     */
    public static Topology build(StitchSettings settings, StitchSerdes serdes, Properties streamsConfig) {
        TopicNames topics = settings.topics();
        JunkIds junk = settings.junkIds();
        StreamsBuilder builder = new StreamsBuilder(explicitNaming(streamsConfig));
        addStores(builder, settings, serdes);

        // 1. Decode raw records; what cannot be used goes to the dead-letter topic with its reason. So
        //    does any record a later step cannot read, process or write (the exception handlers).
        StageOutputs.Decodings decoded = StageOutputs.Decodings.of(builder
                .stream(topics.raw(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-source"))
                .process(() -> new EventDecoder(serdes.segmentEvent().deserializer(), serdes.wireSchemas(), topics.raw(), junk,
                        settings.limits()), Named.as("decode")));
        decoded.deadLetters()
                .map((key, letter) -> KeyValue.pair(letter.key(), letter.value()), Named.as("dead-letter-bytes"))
                .to(topics.deadLetters(), Produced.with(serdes.deadLetterKey(), serdes.bytes()).withName("dead-letter-sink"));

        // 2. Records keyed by something other than their routing key (other producers) are re-keyed;
        //    the bridge keys them right, so they skip this repartition.
        KStream<String, Decoded.Event> rekeyed = decoded.misKeyed()
                .map((key, event) -> KeyValue.pair(event.ids().routingKey(), event.event()), Named.as("key-by-identity"))
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.segmentEvent())).withName(Catalogue.INPUT_BY_IDENTITY))
                .mapValues(event -> new Decoded.Event(event, EventIds.of(event, junk), null), Named.as("identify-rekeyed"));

        // 3. Identity stage, keyed by anonymous id (else userId): dedup, claim links, stitch, route.
        StageOutputs.Identified identified = StageOutputs.Identified.of(decoded.keyed()
                .merge(rekeyed, Named.as("events-by-identity"))
                .process(() -> new IdentityStage(settings, serdes), Named.as("identity"), withDedup(IDENTITY_STORES)));

        // 4. An alias's previousId is looked up where it lives: an anonymous id is claimed like any link,
        //    a user id is merged. Merges and erasures change the user-name graph on its one partition, in
        //    one order (R8, R13); what they change goes on as claims and identity changes.
        StageOutputs.AliasChecked aliases = StageOutputs.AliasChecked.of(identified.aliases()
                .mapValues(IdentityOutput.Alias::alias, Named.as("alias-request"))
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.userAlias())).withName(Catalogue.ALIAS_CHECKS))
                .process(AliasCheck::new, Named.as("check-alias"), Catalogue.IDENTITIES_STORE));
        StageOutputs.Merged merged = StageOutputs.Merged.of(identified.merges()
                .merge(aliases.merges(), Named.as("merges"))
                .mapValues(IdentityOutput.Merge::change, Named.as("merge-request"))
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.userNameChange())).withName(Catalogue.MERGE_REQUESTS)
                        .withNumberOfPartitions(1))
                .process(UserMerges::new, Named.as("merge-users"), Catalogue.USER_NAMES_STORE, Catalogue.NAMES_BY_USER_STORE));

        // 5. A link is claimed on the user's partition, which holds the user's count of anonymous ids
        //    (R7), and made on the partition that owns the anonymous id, with the identity stage's stores.
        //    Claims from aliases and merges join the events' own in one step, as the changes do below.
        KStream<String, IdentityOutput> linked = identified.claims()
                .merge(aliases.claims().merge(merged.claims(), Named.as("alias-and-merge-claims")), Named.as("claims"))
                .mapValues(IdentityOutput.Claim::command, Named.as("link-claim"))
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.linkCommand())).withName(Catalogue.LINK_CLAIMS))
                .process(() -> new LinkClaims(settings), Named.as("claim-link"), Catalogue.USER_LINKS_STORE,
                        Catalogue.ERASED_USERS_STORE, Catalogue.MERGED_USERS_STORE)
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.linkAnswer())).withName(Catalogue.LINK_ANSWERS))
                .process(() -> new LinkAnswers(settings, serdes), Named.as("answer-link"), IDENTITY_STORES);

        StageOutputs.Published outputs = StageOutputs.Published.of(identified.rest()
                .merge(linked.merge(merged.rest(), Named.as("link-and-merge-outputs")), Named.as("identity-outputs")));

        // 6. Activity of unlinked anonymous ids, published at once (R11); every identity change.
        outputs.anonymous()
                .mapValues(IdentityOutput.Anonymous::event, Named.as("anonymous-event"))
                .process(() -> new AnonymousEventEncoder(serdes.timelineEvent().serializer(), serdes.wireSchemas(), topics.anonymous()),
                        Named.as("encode-anonymous-event"))
                .to(topics.anonymous(), Produced.with(Serdes.String(), serdes.bytes()).withName("anonymous-sink"));
        // A tombstone follows each erased id's last change, so compaction removes what named the user (R13).
        KStream<String, IdentityChange> changes = outputs.changesAndTombstones()
                .mapValues(StitchTopology::changeOrTombstone, Named.as("identity-change"));
        changes.to(topics.identityChanges(), Produced.with(Serdes.String(), serdes.identityChange()).withName("identity-changes-sink"));

        // 7. Timeline stage, keyed by userId: reorder within the grace period, sequence, emit, and keep
        //    the timelines and profiles the query API serves. Changes of an id's mapping travel with the
        //    events to the users they concern, for the profiles' linked ids. A user merged into another
        //    sends its timeline and later events there, through the user-moves topic (R8). Events keyed
        //    by their own user's id (server-side events) are on the user's partition already: they skip
        //    the repartition, so the identity and timeline stages are one sub-topology, co-partitioned.
        KStream<String, byte[]> profileChanges = changes
                .flatMap((id, change) -> change == null ? List.<KeyValue<String, IdentityChange>>of() : ProfileBook.concerned(change),
                        Named.as("changes-by-user"))
                .process(() -> new IdentityChangeEncoder(serdes.identityChange().serializer(), topics.identityChanges()),
                        Named.as("encode-change"));
        KStream<String, byte[]> ownUserEvents = identified.toOwnUser()
                .mapValues(IdentityOutput.ToOwnUser::event, Named.as("own-user-event"))
                .process(() -> new TimelineEventEncoder(serdes.timelineEvent().serializer(), serdes.wireSchemas(), topics.timeline()),
                        Named.as("encode-own-user-event"));
        KStream<String, byte[]> stitchedHistory = outputs.stitchedHistory()
                .mapValues(IdentityOutput.StitchedHistory::events, Named.as("stitched-history"))
                .process(() -> new StitchedHistoryEncoder(serdes.timelineEvent().serializer(), serdes.wireSchemas(),
                        serdes.stitchedEvents().serializer(), topics.timeline(), Catalogue.EVENTS_BY_USER, settings.limits().maxRecordBytes()),
                        Named.as("encode-stitched-history"));
        outputs.toUser()
                .mapValues(IdentityOutput.ToUser::event, Named.as("user-event"))
                .process(() -> new TimelineEventEncoder(serdes.timelineEvent().serializer(), serdes.wireSchemas(), topics.timeline()),
                        Named.as("encode-user-event"))
                .merge(stitchedHistory, Named.as("user-events-and-history"))
                .merge(profileChanges, Named.as("user-records"))
                .repartition(Repartitioned.with(serdes.internalKey(), serdes.internalValue(serdes.bytes())).withName(Catalogue.EVENTS_BY_USER))
                .merge(ownUserEvents, Named.as("user-records-and-own"))
                .merge(builder.stream(topics.userMoves(), Consumed.with(serdes.internalKey(), serdes.internalValue(serdes.bytes())).withName("user-moves-source")),
                        Named.as("user-records-and-moves"))
                .process(() -> new TimelineStage(settings, serdes), Named.as("timeline"), TIMELINE_STORES)
                .to(TimelineOutput.topic(topics), Produced.with(Serdes.String(), serdes.bounded(TimelineOutput.BYTES)).withName("timeline-sink"));

        return builder.build();
    }

    /**
     * Caching pays off only where one key is written again within a commit interval: a user's state and
     * profile (an event, its link and its stitched history arrive together), the batch of seen messageIds
     * being filled. A user's state and profile are held in front of their stores by a
     * {@link WriteBackStore}, decoded, so that no get decodes and no put encodes them, as Kafka Streams'
     * cache of bytes did; a commit writes each changed key down once. The batch, bytes already, stays
     * in Kafka Streams' cache. An id's state is not cached: a visitor's events come seconds apart, so a
     * cache merged almost none of its writes and cost a look-up on every get and put. Stores whose keys
     * are written once and read by range (history, timelines) skip caches too, whose merged iterators
     * would cost more than they save. The seen messages' index, beside their batches, is written beneath
     * the cache.
     */
    private static void addStores(StreamsBuilder builder, StitchSettings settings, StitchSerdes serdes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.IDENTITIES_STORE),
                Serdes.String(), serdes.identityState()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.ANONYMOUS_HISTORY_STORE),
                Serdes.Bytes(), serdes.segmentEvent()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.USER_LINKS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.ERASED_USERS_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.MERGED_USERS_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.USER_NAMES_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.NAMES_BY_USER_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(SeenMessages.supplier(Catalogue.SEEN_MESSAGES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.USER_STATE_STORE),
                Serdes.String(), serdes.userState()), new UserStateValues(),
                WriteBackStore::stringKeyBytes, settings.limits().maxRecordBytes()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.TIMELINE_STORE),
                Serdes.Bytes(), serdes.bytes()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.RECENT_ERASURES_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Catalogue.MERGED_TIMELINES_STORE),
                Serdes.String(), Serdes.String()));
        ProfileStores profiles = new ProfileStores(serdes.userProfile().deserializer(), new IndexedTraits(settings.limits().ids().maxLength()));
        builder.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(profiles.profiles(), Serdes.String(), serdes.userProfile()),
                new UserProfileValues(), WriteBackStore::stringKeyBytes, settings.limits().maxRecordBytes()));
        builder.addStateStore(Stores.keyValueStoreBuilder(profiles.usersByTrait(), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled());
    }

    /** An identity change's record on the compacted topic; null, a tombstone, for an erased id's {@link IdentityOutput.Tombstone}. */
    private static IdentityChange changeOrTombstone(IdentityOutput output) {
        return output instanceof IdentityOutput.Change change ? change.change() : null;
    }

    private static String[] withDedup(String[] stores) {
        String[] all = Arrays.copyOf(stores, stores.length + 1);
        all[stores.length] = Catalogue.SEEN_MESSAGES_STORE;
        return all;
    }

    /** The application's topology settings, refusing to build if any internal topic or store was left to a generated name. */
    private static TopologyConfig explicitNaming(Properties streamsConfig) {
        Properties props = new Properties();
        props.putAll(streamsConfig);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return new TopologyConfig(new StreamsConfig(props));
    }
}
