package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.config.AppConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the embedded default checks before it starts anything, so that a second {@code ./stitch} (the
 * usual cause) is told so in one sentence naming the settings, instead of failing deep inside the broker:
 * its data directory is held by a lock file for as long as it runs, and each of its ports must be free.
 */
final class EmbeddedStartChecks implements AutoCloseable {

    static final String LOCK_FILE = ".stitch.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private EmbeddedStartChecks(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory's lock and checks the ports.
     *
     * @throws StartRefused with the sentence to print when another instance holds the directory or a port
     */
    static EmbeddedStartChecks claim(AppConfig config, BridgeConfig bridge) {
        Path dataDir = config.dataDir();
        EmbeddedStartChecks held = lock(dataDir);
        try {
            for (Map.Entry<String, Integer> port : ports(config, bridge).entrySet()) {
                if (port.getValue() != 0 && !free(port.getValue())) {
                    throw new StartRefused("port " + port.getValue() + " (" + port.getKey() + ") is already in use, probably by another "
                            + "./stitch or another Kafka; stop it, or set " + port.getKey() + " to a free port");
                }
            }
            return held;
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    private static EmbeddedStartChecks lock(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StartRefused("another ./stitch is already running on the data directory " + dataDir
                        + "; stop it, or give this one its own STITCH_DATA_DIR and ports (STITCH_KAFKA_PORT, STITCH_REGISTRY_PORT, "
                        + "STITCH_BRIDGE_PORT, STITCH_API_PORT)");
            }
            return new EmbeddedStartChecks(channel, lock);
        } catch (IOException e) {
            throw new StartRefused("cannot use the data directory " + dataDir + " (" + e.getMessage() + "); set STITCH_DATA_DIR to a "
                    + "directory this user can write");
        }
    }

    private static Map<String, Integer> ports(AppConfig config, BridgeConfig bridge) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("STITCH_KAFKA_PORT", config.kafkaPort());
        ports.put("STITCH_REGISTRY_PORT", config.registryPort());
        ports.put("STITCH_BRIDGE_PORT", bridge.port());
        ports.put("STITCH_API_PORT", config.api().port());
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }

    /** A start that cannot go on, with the one sentence that tells the user why and what to change. */
    static final class StartRefused extends RuntimeException {
        StartRefused(String sentence) {
            super(sentence);
        }
    }
}
