package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** The bounds all requests share: connections, bytes in flight, the time a request may take to arrive. */
class TrafficBoundsTest {

    private static final String TRACK = "{\"userId\":\"user-1\",\"event\":\"Paid\"}";

    private RunningBridge running;

    @AfterEach
    void stop() {
        running.close();
    }

    @Test
    void answersARequestOnAConnectionPastTheBoundWith503AndRetryAfter() throws IOException {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1, 64L << 20, Duration.ofSeconds(10))));
        try (Socket first = new Socket("localhost", running.bridge.port())) {
            first.setSoTimeout(10_000);
            // One request answered on the first connection, which stays open (keep-alive).
            first.getOutputStream().write(utf8("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            assertThat(readAnswerHead(first.getInputStream())).startsWith("HTTP/1.1 200");

            Answer answer = running.http.post("/v1/track", TRACK);

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.header("Retry-After")).isEqualTo("5");
            assertThat(answer.json().get("error").textValue()).isEqualTo("too_many_connections");
        }
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void answersARequestPastTheBytesInFlightWith503AndGivesTheBytesBack() {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1_000, 1_000, Duration.ofSeconds(10))));
        String large = "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"pad\":\"" + "x".repeat(2_000) + "\"}}";

        Answer refused = running.http.post("/v1/track", large);

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        assertThat(refused.json().get("error").textValue()).isEqualTo("bridge_busy");
        assertThat(running.http.post("/v1/track", TRACK).status()).as("a small request once the large one is answered").isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(1);
    }

    @Test
    void answersABodyThatDoesNotArriveInTimeWith408AndClosesTheConnection() throws IOException {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1_000, 64L << 20, Duration.ofMillis(300))));
        try (Socket socket = new Socket("localhost", running.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8("POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"userId\":"));
            socket.getOutputStream().flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
        }
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void closesAKeptAliveConnectionWhoseNextHeadersDoNotArriveInTime() throws IOException {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1_000, 64L << 20, Duration.ofMillis(300))));
        try (Socket socket = new Socket("localhost", running.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            assertThat(readAnswerHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            socket.getOutputStream().write(utf8("POST /v1/track HTTP/1.1\r\nHost: local"));
            socket.getOutputStream().flush();

            byte[] rest = socket.getInputStream().readAllBytes();

            assertThat(new String(rest, StandardCharsets.UTF_8)).as("the rest of the first answer, then end of stream").doesNotContain("HTTP/1.1");
        }
    }

    @Test
    void closesANewConnectionWhoseFirstHeadersDoNotArriveInTime() throws IOException {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1_000, 64L << 20, Duration.ofMillis(300))));
        try (Socket socket = new Socket("localhost", running.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8("POST /v1/track HTTP/1.1\r\nHost: local"));
            socket.getOutputStream().flush();

            byte[] rest = socket.getInputStream().readAllBytes();

            assertThat(new String(rest, StandardCharsets.UTF_8)).as("closed without an answer").doesNotContain("HTTP/1.1");
        }
    }

    @Test
    void countsAConnectionFromItsFirstByteAgainstTheBound() throws IOException {
        running = RunningBridge.start(RunningBridge.config().withTraffic(limits(1, 64L << 20, Duration.ofSeconds(10))));
        try (Socket trickling = new Socket("localhost", running.bridge.port())) {
            trickling.getOutputStream().write(utf8("POST /v1/track HTTP/1.1\r\nHo"));
            trickling.getOutputStream().flush();

            Answer answer = running.http.post("/v1/track", TRACK);

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.json().get("error").textValue()).isEqualTo("too_many_connections");
        }
    }

    @Test
    void checksTheHeadersKeyBeforeTakingABodyTheSizeItsContentLengthDeclares() throws IOException {
        running = RunningBridge.start();
        try (Socket socket = new Socket("localhost", running.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic("wk-wrong")
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"batch\":["));
            socket.getOutputStream().flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 401").contains("\"error\":\"invalid_write_key\"");
        }
    }

    @Test
    void drainsTheBodyOfAWrongHeaderKeySoTheConnectionCarriesTheNextRequest() {
        running = RunningBridge.start();

        Answer refused = running.http.post("/v1/track", utf8("{\"pad\":\"" + "x".repeat(20_000) + "\"}"), "Authorization", basic("wk-wrong"));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("Connection")).isNull();
        assertThat(running.http.post("/v1/track", TRACK).status()).isEqualTo(200);
    }

    private static TrafficLimits limits(int connections, long bytes, Duration requestTimeout) {
        return new TrafficLimits(Duration.ofSeconds(30), requestTimeout, connections, bytes, 50_000);
    }

    /** The status line and headers of one answer, read up to the blank line. */
    private static String readAnswerHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
