package dev.stitch.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

/**
 * One container that runs a stitch program, as a compose service or a Kubernetes pod runs it: the
 * program its command line starts, the image it runs, and the environment it gets (the image's ENV
 * with the deployment's variables over it). The checks every deployment of a program must pass.
 *
 * @param where   what to name in a failure, such as {@code docker-compose.yml service stream}
 * @param program what the container's command line starts
 * @param image   the Dockerfile of its image
 * @param env     the environment the program sees, secrets given stand-in values
 */
record StitchContainer(String where, Program program, Dockerfile image, Map<String, String> env) {

    /**
     * Heap, RocksDB and everything else the process needs must fit in the container's limit. What is
     * neither heap nor RocksDB's bounded cache still takes memory: metaspace and code cache (a
     * hundred MiB and more with Kafka, Vert.x and Avro loaded), thread stacks, Netty's and the Kafka
     * clients' direct buffers, and RocksDB's own allocations outside its cache (iterators,
     * compactions, its allocator's fragmentation). Less than this left over gets the pod OOM-killed.
     */
    static final long MIN_HEADROOM_BYTES = 256L << 20;

    private static final Pattern MAX_RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
    private static final Pattern LOCAL_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");
    private static final Set<String> OWN_PREFIXES = Set.of("STITCH_", "SCHEMA_", "KAFKA_");

    static StitchContainer of(String where, Dockerfile image, List<String> arguments, Map<String, String> deployed) {
        Map<String, String> env = new LinkedHashMap<>(image.env());
        env.putAll(deployed);
        return new StitchContainer(where, Program.startedBy(image.commandLine(arguments)), image, Map.copyOf(env));
    }

    /** The program starts with this environment: {@code fromEnvironment} finds nothing wrong. */
    void assertConfigurationIsValid() {
        switch (program) {
            case BRIDGE -> {
                assertThatCode(() -> Program.bridgeConfig(env)).as("%s: the bridge's configuration", where)
                        .doesNotThrowAnyException();
                assertThat(Program.bridgeConfig(env).bootstrapServers()).as("%s must name KAFKA_BOOTSTRAP_SERVERS: the "
                        + "bridge alone refuses to start without it", where).isNotNull();
            }
            case STREAM -> {
                assertThatCode(() -> Program.streamConfig(env)).as("%s: the application's configuration", where)
                        .doesNotThrowAnyException();
                var config = Program.streamConfig(env);
                assertThat(config.embedded()).as("%s must name KAFKA_BOOTSTRAP_SERVERS: without it `stream` starts "
                        + "its own in-process broker", where).isFalse();
                assertThat(config.api().token()).as("%s must set STITCH_API_TOKEN: `stream` refuses to start "
                        + "against an external Kafka without it", where).isNotNull();
            }
        }
    }

    /**
     * Every STITCH_, SCHEMA_ and KAFKA_ variable the deployment sets is one the program reads, and
     * every KAFKA_ pass-through becomes a property its Kafka clients know: a misspelt name would be
     * ignored without a word.
     */
    void assertEveryVariableIsOneTheProgramReads() {
        Set<String> read = program.variablesRead(env);
        Set<String> ignored = new TreeSet<>();
        for (String name : env.keySet()) {
            if (OWN_PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            if (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                program.unknownKafkaProperties(name).forEach(property -> ignored.add(name + " (" + property
                        + " is no property of the " + program.name().toLowerCase() + "'s Kafka clients)"));
            } else if (!read.contains(name)) {
                ignored.add(name);
            }
        }
        assertThat(ignored).as("%s sets variables that the %s never reads", where, program.name().toLowerCase()).isEmpty();
    }

    /** The program's HTTP port, as its configuration says. */
    int httpPort() {
        return program.httpPort(env);
    }

    /** The image exposes and health-checks the port the program listens on, as the non-root user; state goes on a volume. */
    void assertImageAgrees() {
        int port = httpPort();
        assertThat(image.exposedPorts()).as("%s: EXPOSE in %s", where, image.path()).containsExactly(port);
        assertThat(image.healthCheck()).as("%s: HEALTHCHECK in %s", where, image.path()).isNotNull();
        Matcher url = LOCAL_URL.matcher(image.healthCheck());
        assertThat(url.find()).as("%s: HEALTHCHECK in %s asks no http://localhost:PORT/PATH", where, image.path()).isTrue();
        assertThat(Integer.parseInt(url.group(1))).as("%s: the port HEALTHCHECK asks", where).isEqualTo(port);
        assertThat(url.group(2)).as("%s: the path HEALTHCHECK asks", where).isEqualTo("/health/ready");
        assertThat(image.user()).as("%s: USER in %s, a numeric non-root user so that runAsNonRoot can check it",
                where, image.path()).matches("[1-9]\\d*(:\\d+)?");
        if (program == Program.STREAM) {
            Path dataDir = Program.streamConfig(env).dataDir();
            assertThat(image.volumes()).as("%s: VOLUME in %s holds STITCH_DATA_DIR", where, image.path())
                    .contains(dataDir.toString());
        }
    }

    /**
     * The heap (a share of the limit, from JAVA_TOOL_OPTIONS), the program's off-heap memory (RocksDB)
     * and {@link #MIN_HEADROOM_BYTES} fit in the container's memory limit.
     */
    void assertMemoryFits(long limitBytes) {
        String jvmOptions = env.get("JAVA_TOOL_OPTIONS");
        assertThat(jvmOptions).as("%s: JAVA_TOOL_OPTIONS", where).isNotNull();
        Matcher percentage = MAX_RAM_PERCENTAGE.matcher(jvmOptions);
        if (!percentage.find()) {
            fail("%s: JAVA_TOOL_OPTIONS (%s) sets no -XX:MaxRAMPercentage, so the heap ignores the container's limit", where, jvmOptions);
        }
        long heap = (long) (limitBytes * Double.parseDouble(percentage.group(1)) / 100);
        long offHeap = program.offHeapBytes(env);
        long headroom = limitBytes - heap - offHeap;
        assertThat(headroom).as("%s: memory limit %d MiB - heap %d MiB (MaxRAMPercentage=%s) - RocksDB %d MiB leaves %d MiB "
                        + "for the JVM's own memory; raise the limit or lower the heap share or STITCH_ROCKSDB_MEMORY",
                where, limitBytes >> 20, heap >> 20, percentage.group(1), offHeap >> 20, headroom >> 20)
                .isGreaterThanOrEqualTo(MIN_HEADROOM_BYTES);
    }
}
