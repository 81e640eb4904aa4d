package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.util.Properties;

/**
 * The least any re-keying stitcher must do, to compare the stitching topology against: read each
 * event, re-key it by the person it names (userId, else anonymous id) through one repartition,
 * read and write one RocksDB value for that person, and write one timeline record.
 */
final class BaselineTopology {

    static final String EVENTS_BY_PERSON = "events-by-person";
    /** Key: userId, else anonymous id; value: how many events that person has had. */
    static final String EVENT_COUNTS_STORE = "event-counts";

    private BaselineTopology() {
    }

    static Topology build(String inputTopic, String outputTopic, Serde<SegmentEvent> events,
                          Serde<TimelineEvent> timeline, Properties streamsConfig) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsConfig)));
        // Cached like the stitching topology's stores, so both write RocksDB on the same terms.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_COUNTS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.stream(inputTopic, Consumed.with(Serdes.String(), events).withName("baseline-source"))
                .selectKey((key, event) -> person(event), Named.as("key-by-person"))
                .repartition(Repartitioned.with(Serdes.String(), events).withName(EVENTS_BY_PERSON))
                .process(EventCounter::new, Named.as("count-events"), EVENT_COUNTS_STORE)
                .to(outputTopic, Produced.with(Serdes.String(), timeline).withName("baseline-sink"));
        return builder.build();
    }

    private static String person(SegmentEvent event) {
        if (event.getUserId() != null) {
            return event.getUserId();
        }
        return event.getAnonymousId() != null ? event.getAnonymousId() : event.getContextAnonymousId();
    }

    /** One store get and put per event; the count becomes the event's sequence on the person's timeline. */
    private static final class EventCounter implements Processor<String, SegmentEvent, String, TimelineEvent> {

        private ProcessorContext<String, TimelineEvent> context;
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<String, TimelineEvent> context) {
            this.context = context;
            this.counts = context.getStateStore(EVENT_COUNTS_STORE);
        }

        @Override
        public void process(Record<String, SegmentEvent> record) {
            Long previous = counts.get(record.key());
            long sequence = previous == null ? 1 : previous + 1;
            counts.put(record.key(), sequence);
            context.forward(record.withValue(new TimelineEvent(record.key(), sequence, false, false, record.value())));
        }
    }
}
