package dev.stitch.benchmark;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Times an application over the pre-produced input. The clock starts when the application first
 * reaches RUNNING (start-up and the first rebalance are left out) and stops when its consumer group
 * has committed the input's end offsets, as seen by polling the group's offsets with Admin. It then
 * watches the output topics' end offsets until they stop moving, to tell how long after that the
 * last output record came.
 */
final class ThroughputMeter {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    /**
     * @param events     input events consumed
     * @param startUp    from {@code KafkaStreams.start()} to RUNNING, not counted
     * @param consumed   from RUNNING to the input's end offsets committed
     * @param lastOutput from RUNNING to the last change seen on any output topic
     * @param cpu        CPU time from RUNNING to the input's end offsets committed
     */
    record Measured(long events, Duration startUp, Duration consumed, Duration lastOutput, CpuUse cpu) {

        double eventsPerSecond() {
            return events / (consumed.toNanos() / 1e9);
        }

        double processMicrosPerEvent() {
            return cpu.processMicrosPer(events);
        }

        double streamThreadMicrosPerEvent() {
            return cpu.streamThreadMicrosPer(events);
        }
    }

    private ThroughputMeter() {
    }

    static Measured measure(Admin admin, StreamsRun run, String groupId, Map<TopicPartition, Long> inputEnds,
                            long events, List<String> outputTopics, Duration settleTime, Duration timeout)
            throws InterruptedException, ExecutionException {
        long running = run.awaitRunning(timeout);
        CpuUse atRunning = CpuUse.of(groupId);
        CpuUse used = null;
        Map<TopicPartition, OffsetSpec> outputPartitions = latestOf(admin, outputTopics);
        long deadline = running + timeout.toNanos();
        long consumedAt = 0;
        long lastOutputChangeAt = running;
        Map<TopicPartition, Long> lastOutputEnds = Map.of();
        while (true) {
            Thread.sleep(POLL_INTERVAL.toMillis());
            long now = System.nanoTime();
            run.requireHealthy();
            if (consumedAt == 0 && reached(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(), inputEnds)) {
                consumedAt = now;
                used = CpuUse.of(groupId).since(atRunning);
            }
            Map<TopicPartition, Long> outputEnds = new HashMap<>();
            admin.listOffsets(outputPartitions).all().get().forEach((partition, info) -> outputEnds.put(partition, info.offset()));
            if (!outputEnds.equals(lastOutputEnds)) {
                lastOutputChangeAt = now;
                lastOutputEnds = outputEnds;
            }
            if (consumedAt != 0 && now - Math.max(consumedAt, lastOutputChangeAt) >= settleTime.toNanos()) {
                return new Measured(events, Duration.ofNanos(running - run.startedAtNanos()),
                        Duration.ofNanos(consumedAt - running), Duration.ofNanos(lastOutputChangeAt - running), used);
            }
            if (now > deadline) {
                throw new IllegalStateException("Group " + groupId + " had not committed the input's end offsets " + inputEnds
                        + " after " + timeout.toSeconds() + " s; raise the time-out or look for warnings above.");
            }
        }
    }

    /** Whether the group has yet to commit up to {@code targets}: a restarted application has input to catch up on. */
    static boolean behind(Admin admin, String groupId, Map<TopicPartition, Long> targets)
            throws InterruptedException, ExecutionException {
        return !reached(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(), targets);
    }

    /** Waits until the running application's group has committed {@code targets}. */
    static void awaitCommitted(Admin admin, StreamsRun run, String groupId, Map<TopicPartition, Long> targets, Duration timeout)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (behind(admin, groupId, targets)) {
            run.requireHealthy();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Group " + groupId + " had not committed " + targets + " after "
                        + timeout.toSeconds() + " s; look for warnings above.");
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private static boolean reached(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> targets) {
        return targets.entrySet().stream().allMatch(target -> {
            OffsetAndMetadata offset = committed.get(target.getKey());
            return offset != null && offset.offset() >= target.getValue();
        });
    }

    private static Map<TopicPartition, OffsetSpec> latestOf(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        return partitions;
    }
}
