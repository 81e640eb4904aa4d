package dev.stitch.launcher;

import dev.stitch.bridge.BridgeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** Runs the Segment bridge alone, against external Kafka and Schema Registry (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL). */
@Command(name = "bridge", mixinStandardHelpOptions = true, description = "Run the Segment webhook bridge alone against an external Kafka.")
final class BridgeCommand implements Callable<Integer> {

    @ParentCommand
    private Launcher launcher;

    @Override
    public Integer call() throws InterruptedException {
        return BridgeMain.run(launcher.environment(), System.out, System.err);
    }
}
