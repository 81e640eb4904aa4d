package dev.stitch.benchmark;

import org.apache.kafka.streams.Topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * One application under test.
 *
 * @param name          what the report calls it
 * @param applicationId its own Kafka Streams application id: consumer group, internal topics, state
 * @param topology      builds its topology from the application's streams configuration
 * @param outputs       the topics it writes
 * @param predicted     how many records it should write to each output topic for the generated traffic
 * @param settleTime    how long its outputs may keep coming after its input is consumed (the
 *                      stitching topology holds events for the reorder grace period)
 */
record Contender(String name, String applicationId, Function<Properties, Topology> topology, List<Output> outputs,
                 Function<TrafficTally, Map<String, Long>> predicted, Duration settleTime) {

    /**
     * @param topic          the output topic
     * @param label          what the report calls it
     * @param measureLatency whether the latency phase measures records on it
     */
    record Output(String topic, String label, boolean measureLatency) {
    }

    List<String> outputTopics() {
        return outputs.stream().map(Output::topic).toList();
    }
}
