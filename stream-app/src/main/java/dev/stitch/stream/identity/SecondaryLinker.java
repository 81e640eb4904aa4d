package dev.stitch.stream.identity;

import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkRequest;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.topology.Catalogue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The identity stage's second input: links an anonymous id that an event carried beside another one
 * (a pixel id in {@code context.anonymousId} next to a top-level {@code anonymousId}). The request
 * is keyed by that id, so it reaches the partition that owns the id's state and history.
 */
public final class SecondaryLinker implements Processor<String, LinkRequest, String, IdentityOutput> {

    private final StitchSettings settings;
    private ProcessorContext<String, IdentityOutput> context;
    private IdentityLinker linker;

    public SecondaryLinker(StitchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        KeyValueStore<String, IdentityState> identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
        AnonymousHistoryBuffer history = AnonymousHistoryBuffer.open(context, settings.historyMaxEventsPerId());
        linker = new IdentityLinker(identities, history, settings.conflictPolicy(), StitchMetrics.of(context));
    }

    @Override
    public void process(Record<String, LinkRequest> record) {
        LinkRequest request = record.value();
        long time = record.timestamp();
        linker.link(record.key(), request.getUserId(), request.getMessageId(), time,
                (key, value) -> context.forward(new Record<>(key, value, time)));
    }
}
