package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.testing.Eventually;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances with stable names and one standby replica of every store; one stops cleanly and
 * stays in the group, as in a rolling restart, so its partitions stay its own and nobody processes
 * them until it is back. Throughout, every person's timeline is answered 200 by the instances left:
 * the stopped instance's people from a standby copy, saying so, with what the active answered before.
 * A search, which reads every partition, is whole too. Started again, the instance answers for its
 * people as their active copy.
 */
class StandbyQueryIT {

    private static final String TOKEN = "standby-it-token";
    private static final String APPLICATION_ID = "standby-query-it";
    private static final int VISITORS = 24;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final LocalCluster kafka = new LocalCluster();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<StitchApplication> running = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        running.forEach(StitchApplication::close);
    }

    @Test
    void aStoppedInstancesPeopleAreAnsweredFromStandbysUntilItAnswersAsTheirActiveAgain() throws Exception {
        AppConfig firstConfig = config("standby-first");
        AppConfig stoppingConfig = config("standby-second");
        AppConfig thirdConfig = config("standby-third");
        StitchApplication first = start(firstConfig);
        StitchApplication stopping = start(stoppingConfig);
        StitchApplication third = start(thirdConfig);
        for (StitchApplication instance : running) {
            assertThat(instance.awaitRunning(WAIT)).isTrue();
        }
        TestClients.produce(kafka.bootstrapServers(), kafka.registry(), firstConfig.settings().topics().raw(), Visitors.events(VISITORS));

        Map<String, String> before = new LinkedHashMap<>();
        for (int visitor = 0; visitor < VISITORS; visitor++) {
            String user = "user-" + visitor;
            Answer answer = Eventually.within(WAIT, user + "'s whole timeline").until(() -> timeline(first, user),
                    timeline -> timeline.status() == 200 && timeline.json().path("events").size() == Visitors.EVENTS_EACH);
            assertThat(answer.replica()).isEqualTo("active");
            before.put(user, answer.body());
        }
        HostInfo stopped = new HostInfo("localhost", stopping.apiPort());
        List<String> stoppedUsers = new ArrayList<>();
        for (String user : before.keySet()) {
            KeyQueryMetadata copies = Eventually.within(WAIT, user + "'s partition with a standby copy")
                    .until(() -> first.streams().queryMetadataForKey(Catalogue.USER_STATE_STORE, user, new StringSerializer()),
                            metadata -> metadata.standbyHosts().size() == 1 && !metadata.standbyHosts().contains(metadata.activeHost()));
            if (copies.activeHost().equals(stopped)) {
                stoppedUsers.add(user);
                // The standby copy has caught up once, asked as a forwarded request, it answers what the active did.
                HostInfo standby = copies.standbyHosts().iterator().next();
                Eventually.within(WAIT, user + "'s timeline in the standby copy on " + standby)
                        .until(() -> ask(standby.port(), timelinePath(user), true), answer -> answer.body().equals(before.get(user)));
            }
        }
        assertThat(stoppedUsers).as("the stopping instance is the active copy of some people").isNotEmpty();

        stopping.close();
        running.remove(stopping);

        List<StitchApplication> left = List.of(first, third);
        for (int visitor = 0; visitor < VISITORS; visitor++) {
            String user = "user-" + visitor;
            Answer answer = timeline(left.get(visitor % 2), user);
            assertThat(answer.status()).as(user + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.body()).as(user).isEqualTo(before.get(user));
            assertThat(answer.replica()).as(user).isEqualTo(stoppedUsers.contains(user) ? "standby" : "active");
            assertThat(answer.servedBy()).as(user).isNotEqualTo("localhost:" + stopped.port());
        }

        // A search reads every partition once: the stopped instance's from their standby copies.
        String searched = stoppedUsers.get(0);
        Answer search = ask(first.apiPort(), "/v1/search?q=" + searched, false);
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat(search.json().path("matches").findValuesAsText("userId")).containsExactly(searched);
        assertThat(search.replica()).isEqualTo("standby");
        // So does a search by a trait: the standby's users-by-trait entries came with the profiles it read.
        Answer byEmail = ask(first.apiPort(), "/v1/search?q=" + searched + "@example.com", false);
        assertThat(byEmail.status()).as(byEmail.body()).isEqualTo(200);
        assertThat(byEmail.json().path("matches").findValuesAsText("userId")).as(byEmail.body()).containsExactly(searched);
        assertThat(byEmail.replica()).isEqualTo("standby");

        StitchApplication restarted = start(stoppingConfig);
        assertThat(restarted.awaitRunning(WAIT)).isTrue();
        for (String user : stoppedUsers) {
            for (StitchApplication asked : List.of(first, restarted)) {
                Answer answer = Eventually.within(WAIT, user + " answered by its active copy on the restarted instance")
                        .until(() -> timeline(asked, user),
                                timeline -> "active".equals(timeline.replica()) && ("localhost:" + stopped.port()).equals(timeline.servedBy()));
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).as(user).isEqualTo(before.get(user));
            }
        }
    }

    private record Answer(int status, String body, String servedBy, String replica) {
        JsonNode json() {
            try {
                return SegmentEventParser.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Answer timeline(StitchApplication asked, String user) throws Exception {
        return ask(asked.apiPort(), timelinePath(user), false);
    }

    private static String timelinePath(String user) {
        return "/v1/users/" + user + "/timeline";
    }

    /** A request, asked as a client does or, {@code forwarded}, as another instance does: answered from the copy there. */
    private Answer ask(int port, String path, boolean forwarded) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TOKEN);
        if (forwarded) {
            request.header("X-Stitch-Forwarded-By", "standby-query-it");
        }
        HttpResponse<String> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("X-Stitch-Served-By").orElse(null),
                response.headers().firstValue("X-Stitch-Replica").orElse(null));
    }

    private StitchApplication start(AppConfig config) {
        StitchApplication app = kafka.start(config);
        running.add(app);
        return app;
    }

    /**
     * A named instance (static membership) with one standby replica, a session far longer than the test
     * (its partitions wait for it while it is stopped) and a port of its own, kept across its restart.
     */
    private AppConfig config(String name) throws IOException {
        return kafka.instanceConfig(name, APPLICATION_ID, TOKEN, Map.of(
                "STITCH_INSTANCE_NAME", name,
                "STITCH_API_PORT", Integer.toString(freePort()),
                "KAFKA_NUM_STANDBY_REPLICAS", "1",
                "KAFKA_SESSION_TIMEOUT_MS", "600000",
                "KAFKA_COMMIT_INTERVAL_MS", "100"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
