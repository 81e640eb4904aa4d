package dev.stitch.bridge;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * A bridge on a free localhost port in front of a {@link RecordingPublisher}, and a client for it.
 * Started at once by {@link #start}, or around each test when registered as an extension
 * ({@code @RegisterExtension final RunningBridge running = RunningBridge.eachTest();}).
 */
final class RunningBridge implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    final RecordingPublisher publisher = new RecordingPublisher();
    private final BridgeConfig config;
    WebhookBridge bridge;
    BridgeHttp http;

    private RunningBridge(BridgeConfig config) {
        this.config = config;
    }

    /** A bridge with {@link #config()} for each test of the class that registers it. */
    static RunningBridge eachTest() {
        return eachTest(config());
    }

    static RunningBridge eachTest(BridgeConfig config) {
        return new RunningBridge(config);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        open();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void open() {
        bridge = WebhookBridge.start(config, publisher);
        http = new BridgeHttp(bridge.port());
    }

    /** The test's two server keys and its browser key (CORS for the shop's origin) accepted, on a free port. */
    static BridgeConfig config() {
        return BridgeConfig.defaults(List.of(BridgeHttp.KEY, BridgeHttp.OTHER_KEY))
                .withBrowserKeys(List.of(BridgeHttp.BROWSER_KEY), List.of(BridgeHttp.SHOP_ORIGIN))
                .withListenAddress("localhost", 0);
    }

    static RunningBridge start() {
        return start(config());
    }

    static RunningBridge start(BridgeConfig config) {
        RunningBridge running = new RunningBridge(config);
        running.open();
        return running;
    }

    @Override
    public void close() {
        bridge.close();
    }
}
