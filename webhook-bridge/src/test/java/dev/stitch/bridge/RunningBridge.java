package dev.stitch.bridge;

import java.util.List;

/** A bridge on a free localhost port in front of a {@link RecordingPublisher}, and a client for it. */
final class RunningBridge implements AutoCloseable {

    final RecordingPublisher publisher = new RecordingPublisher();
    final WebhookBridge bridge;
    final BridgeHttp http;

    private RunningBridge(BridgeConfig config) {
        this.bridge = WebhookBridge.start(config, publisher);
        this.http = new BridgeHttp(bridge.port());
    }

    /** The test key and another one accepted, on a free port. */
    static BridgeConfig config() {
        return BridgeConfig.defaults(List.of(BridgeHttp.KEY, BridgeHttp.OTHER_KEY)).withListenAddress("localhost", 0);
    }

    static RunningBridge start() {
        return start(config());
    }

    static RunningBridge start(BridgeConfig config) {
        return new RunningBridge(config);
    }

    @Override
    public void close() {
        bridge.close();
    }
}
