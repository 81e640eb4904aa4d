package dev.stitch.stream.topology;

import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkClaim;
import dev.stitch.schema.internal.LinkRequest;
import dev.stitch.schema.internal.MergeRequest;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.schema.internal.UserState;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes of every topic and store: Avro in the Confluent wire format, one registry. */
public record StitchSerdes(
        Serde<SegmentEvent> segmentEvent,
        Serde<TimelineEvent> timelineEvent,
        Serde<IdentityChange> identityChange,
        Serde<LinkClaim> linkClaim,
        Serde<LinkRequest> linkRequest,
        Serde<MergeRequest> mergeRequest,
        Serde<IdentityState> identityState,
        Serde<UserState> userState,
        Serde<UserProfile> userProfile) {

    public static StitchSerdes using(SchemaRegistry registry) {
        return new StitchSerdes(
                new AvroSerde<>(SegmentEvent.class, registry),
                new AvroSerde<>(TimelineEvent.class, registry),
                new AvroSerde<>(IdentityChange.class, registry),
                new AvroSerde<>(LinkClaim.class, registry),
                new AvroSerde<>(LinkRequest.class, registry),
                new AvroSerde<>(MergeRequest.class, registry),
                new AvroSerde<>(IdentityState.class, registry),
                new AvroSerde<>(UserState.class, registry),
                new AvroSerde<>(UserProfile.class, registry));
    }
}
