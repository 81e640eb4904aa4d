package dev.stitch.launcher;

import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks Kafka for its cluster id, briefly, before a command that needs the running application, so a
 * stopped application is reported in a couple of seconds with what to start, not after a client's
 * long metadata timeout.
 */
final class KafkaReachability {

    static final int TIMEOUT_MS = 2_000;

    private KafkaReachability() {
    }

    /** True when Kafka answers; else false after one sentence on {@code err} saying what to do. */
    static boolean check(AppConfig config, PrintWriter err) {
        Properties props = config.clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).clusterId().get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            err.println("stitch: no Kafka answers at " + config.bootstrapOrEmbedded() + ". " + whatToStart(config));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String whatToStart(AppConfig config) {
        return config.embedded()
                ? "Start the application first with ./stitch in another terminal (or set STITCH_KAFKA_PORT to the port it uses)."
                : "Check KAFKA_BOOTSTRAP_SERVERS and that the cluster is up.";
    }
}
