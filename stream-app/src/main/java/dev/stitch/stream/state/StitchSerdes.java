package dev.stitch.stream.state;

import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkAnswer;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.StitchedEvents;
import dev.stitch.schema.internal.UserAlias;
import dev.stitch.schema.internal.UserNameChange;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.errors.BoundedSerde;
import dev.stitch.stream.errors.DeadLetterReason;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The value serdes of every topic and store: Avro in the Confluent wire format, one registry. Every
 * serde refuses to write a value over {@code maxRecordBytes}, so no record the application writes,
 * to a topic or a store's changelog, is one Kafka refuses.
 */
public record StitchSerdes(
        Serde<SegmentEvent> segmentEvent,
        Serde<TimelineEvent> timelineEvent,
        Serde<IdentityChange> identityChange,
        Serde<UserAlias> userAlias,
        Serde<UserNameChange> userNameChange,
        Serde<LinkCommand> linkCommand,
        Serde<LinkAnswer> linkAnswer,
        Serde<IdentityState> identityState,
        Serde<UserState> userState,
        Serde<UserProfile> userProfile,
        Serde<StitchedEvents> stitchedEvents,
        WireSchemas wireSchemas,
        int maxRecordBytes) {

    public static StitchSerdes using(SchemaRegistry registry) {
        return using(registry, RecordLimits.defaults().maxRecordBytes());
    }

    public static StitchSerdes using(SchemaRegistry registry, int maxRecordBytes) {
        return new StitchSerdes(
                bounded(new AvroSerde<>(SegmentEvent.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(TimelineEvent.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(IdentityChange.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(UserAlias.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(UserNameChange.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(LinkCommand.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(LinkAnswer.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(IdentityState.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(UserState.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(UserProfile.class, registry), maxRecordBytes),
                bounded(new AvroSerde<>(StitchedEvents.class, registry), maxRecordBytes),
                new WireSchemas(registry),
                maxRecordBytes);
    }

    /** Raw bytes, as stores and topics of encoded records hold them, under the same bound. */
    public Serde<byte[]> bytes() {
        return bounded(Serdes.ByteArray());
    }

    /** Any serde, under the same bound. */
    public <T> Serde<T> bounded(Serde<T> serde) {
        return bounded(serde, maxRecordBytes);
    }

    /** The keys of the application's own topics (repartitions, user moves): ids, never missing. */
    public Serde<String> internalKey() {
        return new BoundedSerde<>(Serdes.String(), RecordLimits.MAX_KEY_BYTES, DeadLetterReason.NO_KEY);
    }

    /** The values of the application's own topics: never missing, so a record without one is refused when read. */
    public <T> Serde<T> internalValue(Serde<T> serde) {
        return new BoundedSerde<>(serde, maxRecordBytes, DeadLetterReason.NO_VALUE);
    }

    /** The keys of dead letters: the original keys, as long as they are not too long to keep. */
    public Serde<byte[]> deadLetterKey() {
        return bounded(Serdes.ByteArray(), RecordLimits.MAX_KEY_BYTES);
    }

    private static <T> Serde<T> bounded(Serde<T> serde, int maxBytes) {
        return new BoundedSerde<>(serde, maxBytes, null);
    }
}
