package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.topology.StitchTopology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The two applications under test, over the same raw topic. A run name other than "" puts it in
 * front of the application id and output topics, so a warm-up run leaves the measured ones alone.
 */
final class Contenders {

    private final SchemaRegistry registry;
    private final String rawTopic;
    private final Duration reorderGrace;

    Contenders(SchemaRegistry registry, String rawTopic, Duration reorderGrace) {
        this.registry = registry;
        this.rawTopic = rawTopic;
        this.reorderGrace = reorderGrace;
    }

    /** The stitching topology as the product builds it, with the reorder grace asked for. */
    Contender stitch(String run) {
        TopicNames defaults = TopicNames.defaults();
        TopicNames topics = new TopicNames(rawTopic, run + defaults.timeline(), run + defaults.anonymous(),
                run + defaults.identityChanges(), run + defaults.deadLetters(), run + defaults.userMoves());
        StitchSettings settings = StitchSettings.defaults()
                .withTopics(topics)
                .withReorder(reorderGrace, StitchSettings.defaults().flushInterval());
        String grace = BenchmarkReport.seconds(reorderGrace).replace(".00 s", " s");
        return new Contender("stitch (grace " + grace + ")", run + "bench-stitch",
                props -> StitchTopology.build(settings, StitchSerdes.using(registry), props),
                List.of(new Contender.Output(topics.timeline(), topics.timeline() + " (held for grace " + grace + ")", true),
                        new Contender.Output(topics.anonymous(), topics.anonymous() + " (published at once)", true),
                        new Contender.Output(topics.identityChanges(), topics.identityChanges(), false),
                        new Contender.Output(topics.deadLetters(), topics.deadLetters(), false),
                        new Contender.Output(topics.userMoves(), topics.userMoves() + " (no aliases in this load)", false)),
                tally -> Map.of(topics.timeline(), tally.expectedTimeline, topics.anonymous(), tally.expectedAnonymous,
                        topics.identityChanges(), tally.expectedLinks, topics.deadLetters(), 0L, topics.userMoves(), 0L),
                // Released by a wall-clock punctuation once the grace has passed: allow one flush interval more.
                reorderGrace.plus(settings.flushInterval()).plusSeconds(2));
    }

    Contender baseline(String run) {
        String output = run + "baseline.timeline";
        return new Contender("baseline", run + "bench-baseline",
                props -> BaselineTopology.build(rawTopic, output, new AvroSerde<>(SegmentEvent.class, registry),
                        new AvroSerde<>(TimelineEvent.class, registry), props),
                List.of(new Contender.Output(output, output, true)),
                tally -> Map.of(output, tally.events()),
                Duration.ofSeconds(2));
    }

    List<Contender> both(String run, boolean baselineFirst) {
        return baselineFirst ? List.of(baseline(run), stitch(run)) : List.of(stitch(run), baseline(run));
    }
}
