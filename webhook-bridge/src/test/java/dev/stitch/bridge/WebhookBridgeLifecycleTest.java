package dev.stitch.bridge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookBridgeLifecycleTest {

    @Test
    void picksAFreePortWhenAskedForPort0() {
        try (RunningBridge running = RunningBridge.start()) {
            assertThat(running.bridge.port()).isPositive();
            assertThat(running.http.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void refusesToStartOnAPortInUseSayingWhatToDo() {
        try (RunningBridge first = RunningBridge.start()) {
            BridgeConfig samePort = RunningBridge.config().withListenAddress("localhost", first.bridge.port());

            assertThatThrownBy(() -> WebhookBridge.start(samePort, new RecordingPublisher()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on localhost:" + first.bridge.port())
                    .hasMessageContaining("STITCH_BRIDGE_PORT");
        }
    }

    @Test
    void closesTwiceWithoutComplaintAndLeavesThePublisherToItsOwner() {
        RecordingPublisher publisher = new RecordingPublisher();
        WebhookBridge bridge = WebhookBridge.start(RunningBridge.config(), publisher);

        bridge.close();
        bridge.close();

        assertThat(publisher.closed()).isFalse();
    }
}
