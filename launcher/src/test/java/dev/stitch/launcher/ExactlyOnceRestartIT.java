package dev.stitch.launcher;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.app.SingleBroker;
import dev.stitch.stream.app.Visitors;
import dev.stitch.stream.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

/**
 * R14: the application stopped mid-stream and started again on the same state directory yields, for
 * a read_committed consumer, every expected timeline record exactly once, with gap-free sequences;
 * and R9 holds across the crash, for events the client sent again while it was down.
 */
class ExactlyOnceRestartIT {

    private static final int USERS = 150;
    private static final int EXPECTED = USERS * Visitors.EVENTS_EACH;
    /** The first visitors' events, sent again. */
    private static final int RETRIED = 20 * Visitors.EVENTS_EACH;

    @RegisterExtension
    final SingleBroker kafka = new SingleBroker();

    /** Kafka Streams does not leave its group on close: the broker notices the old member soon. */
    private Map<String, String> env() {
        return kafka.env("restart-it-", Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
    }

    @Test
    void closedMidStreamAndRestartedEmitsEveryRecordOnce() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env());
        kafka.createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        kafka.produce(config, events.subList(0, events.size() / 2));
        try (var first = kafka.start(config)) {
            kafka.produce(config, events.subList(events.size() / 2, events.size()));
            kafka.awaitTimelineRecords(config, EXPECTED / 3);
        } // closed, local state kept: no cleanUp()

        assertEveryRecordOnceAfterARestart(config, 0);
    }

    /**
     * The client sends the first visitors' events again while the application is down: the restarted
     * instance, its dedup store and the index beside it restored from the changelog after the crash (R9),
     * drops each of them once.
     */
    @Test
    void killedProcessMidStreamAndRestartedEmitsEveryRecordOnceThoughTheClientRetried() throws Exception {
        Map<String, String> env = env();
        AppConfig config = AppConfig.fromEnvironment(env);
        kafka.createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        kafka.produce(config, events.subList(0, events.size() / 2));
        Process process = StreamProcess.start(env, kafka.dir().resolve("killed-process.log"));
        try {
            kafka.produce(config, events.subList(events.size() / 2, events.size()));
            kafka.awaitTimelineRecords(config, EXPECTED / 3);
        } finally {
            process.destroyForcibly().waitFor(); // SIGKILL: no close, no commit, transactions left open
        }
        kafka.produce(config, events.subList(0, RETRIED));

        assertEveryRecordOnceAfterARestart(config, RETRIED);
    }

    private void assertEveryRecordOnceAfterARestart(AppConfig config, int retried) {
        try (var second = kafka.start(config)) {
            kafka.awaitDuplicates(second, retried);
            kafka.awaitVisitors(config, USERS, second);
        }
        Visitors.assertEveryEventOnceInSequence(kafka.timeline(config), USERS);
    }
}
