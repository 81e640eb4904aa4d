package dev.stitch.launcher;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.app.SingleBroker;
import dev.stitch.stream.app.Visitors;
import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance with a stable name, killed with SIGKILL mid-stream and started again, takes its
 * partitions back as the same static member: the broker hands it the killed member's place, with no
 * rebalance waiting for the old member's session to end, and a read_committed reader then finds every
 * record once with gap-free sequences.
 */
class StaticMembershipRestartIT {

    private static final int USERS = 150;
    private static final int EXPECTED = USERS * Visitors.EVENTS_EACH;
    private static final String INSTANCE = "stitch-restart-it";
    /** Kafka Streams names each stream thread's consumer "<instance>-<thread>". */
    private static final String MEMBER = INSTANCE + "-1";

    @RegisterExtension
    final SingleBroker kafka = new SingleBroker();
    private Admin admin;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        // A session far longer than the test: a restart that had to wait for the killed member's session
        // to end would leave that member in the group, and the group not stable, when it is described.
        env = kafka.env("static-restart-it-", Map.of("STITCH_INSTANCE_NAME", INSTANCE, "KAFKA_SESSION_TIMEOUT_MS", "600000"));
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void killedInstanceRejoinsAsTheSameStaticMemberAndEmitsEveryRecordOnce() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env);
        kafka.createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        kafka.produce(config, events.subList(0, events.size() / 2));
        Process process = StreamProcess.start(env, kafka.dir().resolve("killed-process.log"));
        MemberDescription killed;
        try {
            kafka.produce(config, events.subList(events.size() / 2, events.size()));
            kafka.awaitTimelineRecords(config, EXPECTED / 3);
            killed = onlyMember(config);
        } finally {
            process.destroyForcibly().waitFor(); // SIGKILL: no close, no commit, no leaving the group
        }
        long killedAt = System.nanoTime();

        try (var restarted = kafka.start(config)) {
            assertThat(restarted.awaitRunning(Duration.ofSeconds(120))).isTrue();
            System.out.printf("StaticMembershipRestartIT: RUNNING %.1f s after SIGKILL; %d records restored from changelogs%n",
                    (System.nanoTime() - killedAt) / 1e9, restarted.restoredRecords());
            ConsumerGroupDescription group = describe(config);

            assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(group.members()).hasSize(1);
            MemberDescription member = group.members().iterator().next();
            assertThat(killed.groupInstanceId()).contains(MEMBER);
            assertThat(member.groupInstanceId()).contains(MEMBER);
            assertThat(member.consumerId()).isNotEqualTo(killed.consumerId());
            assertThat(member.assignment().topicPartitions()).containsAll(inputPartitions(config));

            kafka.awaitVisitors(config, USERS, restarted);
        }
        Visitors.assertEveryEventOnceInSequence(kafka.timeline(config), USERS);
    }

    private MemberDescription onlyMember(AppConfig config) throws Exception {
        ConsumerGroupDescription group = describe(config);
        assertThat(group.members()).hasSize(1);
        return group.members().iterator().next();
    }

    private ConsumerGroupDescription describe(AppConfig config) throws Exception {
        return admin.describeConsumerGroups(List.of(config.applicationId())).all().get().get(config.applicationId());
    }

    private static Set<TopicPartition> inputPartitions(AppConfig config) {
        return IntStream.range(0, config.partitions())
                .mapToObj(p -> new TopicPartition(config.settings().topics().raw(), p))
                .collect(Collectors.toSet());
    }
}
