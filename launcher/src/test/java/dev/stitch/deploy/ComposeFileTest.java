package dev.stitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.bridge.BridgeConfig;
import dev.stitch.config.Topic;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.config.TopicNames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * docker-compose.yml agrees with the application's real configuration: the services built from
 * docker/ publish the ports the programs listen on, set only variables the programs read, keep the
 * state on a volume at STITCH_DATA_DIR, reach the broker and registry where those listen, and start
 * after the topics they use exist. Values are taken from .env.example, as {@code docker-compose
 * --env-file .env.example config} does in CI.
 */
class ComposeFileTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE_FILE = REPOSITORY.resolve("docker-compose.yml");
    private static final Path ENV_EXAMPLE = REPOSITORY.resolve(".env.example");
    /** {@code $$}, or {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME-default}}, {@code ${NAME:?error}}, {@code ${NAME?error}}. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
    private static final Pattern CREATED_TOPIC = Pattern.compile("(?m)^\\s*create\\s+(\\S+)");
    /** The values .env.example gives, as docker-compose reads them with {@code --env-file .env.example}. */
    private static final Map<String, String> ENV = envExample();

    @Test
    void theVariablesItRequiresAreInEnvExampleAndEnvIsNotCommitted() throws IOException {
        List<String> values = new ArrayList<>();
        collectValues(compose(), values);
        for (String text : values) {
            Matcher interpolation = INTERPOLATION.matcher(text);
            while (interpolation.find()) {
                String name = interpolation.group(1);
                boolean required = name != null && (interpolation.group(2) == null || interpolation.group(2).endsWith("?"));
                if (required) {
                    assertThat(ENV).as(".env.example must show %s, which docker-compose.yml needs", name).containsKey(name);
                }
            }
        }
        assertThat(values).as("values of docker-compose.yml").isNotEmpty();
        assertThat(Files.readAllLines(REPOSITORY.resolve(".gitignore"))).as(".gitignore keeps the secrets in .env out of git")
                .contains(".env");
    }

    @Test
    void theServicesBuiltFromDockerAgreeWithTheApplicationsConfiguration() throws IOException {
        JsonNode services = compose().path("services");
        Map<Program, StitchContainer> containers = new EnumMap<>(Program.class);
        for (Map.Entry<String, JsonNode> entry : services.properties()) {
            JsonNode service = entry.getValue();
            if (service.path("build").isMissingNode()) {
                continue;
            }
            String where = "docker-compose.yml service " + entry.getKey();
            JsonNode build = service.path("build");
            Path dockerfile = REPOSITORY.resolve(text(build.path("context"))).resolve(text(build.path("dockerfile"))).normalize();
            StitchContainer container = StitchContainer.of(where, Dockerfile.read(dockerfile), strings(service.path("command")),
                    environment(service.path("environment")));
            assertThat(containers.put(container.program(), container)).as("%s: a second service runs the %s", where,
                    container.program()).isNull();
            container.assertConfigurationIsValid();
            container.assertEveryVariableIsOneTheProgramReads();
            container.assertImageAgrees();
            assertThat(containerPorts(service.path("ports"))).as("%s: the container ports it publishes", where)
                    .containsExactly(container.httpPort());
            assertThat(text(service.path("mem_limit"))).as("%s: mem_limit, which the JVM sizes its heap from", where).isNotNull();
            container.assertMemoryFits(bytes(text(service.path("mem_limit"))));
            assertReachesTheBrokerAndTheRegistry(services, container);
            if (container.program() == Program.STREAM) {
                AppConfig config = Program.streamConfig(container.env());
                assertThat(volumeTargets(service.path("volumes"))).as("%s: a volume at STITCH_DATA_DIR, where RocksDB state lives", where)
                        .contains(config.dataDir().toString());
                if (!config.createTopics()) {
                    assertThat(text(service.path("depends_on").path(topicsService(services)).path("condition")))
                            .as("%s creates no topics (STITCH_CREATE_TOPICS=false), so it must start after the topics service "
                                    + "has made them", where)
                            .isEqualTo("service_completed_successfully");
                }
            }
        }
        assertThat(containers.keySet()).as("programs the services built from docker/ run").containsExactlyInAnyOrder(Program.values());
    }

    @Test
    void theTopicsServiceCreatesExactlyTheTopicsTheProgramsUse() throws IOException {
        JsonNode services = compose().path("services");
        String script = String.join("\n", strings(services.path(topicsService(services)).path("command")));
        Set<String> created = new TreeSet<>();
        Matcher topic = CREATED_TOPIC.matcher(script);
        while (topic.find()) {
            created.add(topic.group(1));
        }
        assertThat(created).as("topics the topics service creates: every topic of the list, by its default name")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Topic.values()).map(Topic::defaultName).toList());
        Map<String, String> streamEnv = serviceEnvironment(services, Program.STREAM);
        TopicNames topics = Program.streamConfig(streamEnv).settings().topics();
        assertThat(created).as("topics the application uses").containsExactlyInAnyOrder(
                topics.raw(), topics.timeline(), topics.anonymous(), topics.identityChanges(), topics.deadLetters(),
                topics.userMoves());
        BridgeConfig bridge = Program.bridgeConfig(serviceEnvironment(services, Program.BRIDGE));
        assertThat(bridge.rawTopic()).as("the topic the bridge produces to is the one the application reads").isEqualTo(topics.raw());
    }

    @Test
    void everyServiceSetsEachTopicVariableItReadsToItsDefault() throws IOException {
        JsonNode services = compose().path("services");
        for (Program program : Program.values()) {
            Map<String, String> env = serviceEnvironment(services, program);
            Set<String> read = program.variablesRead(env);
            for (Topic topic : Topic.values()) {
                if (read.contains(topic.setting())) {
                    assertThat(env).as("docker-compose.yml: the environment of the %s, which reads %s", program.name().toLowerCase(),
                            topic.setting()).containsEntry(topic.setting(), topic.defaultName());
                }
            }
        }
    }

    private static void collectValues(JsonNode node, List<String> values) {
        if (node.isContainerNode()) {
            node.forEach(child -> collectValues(child, values));
        } else if (node.isTextual()) {
            values.add(node.asText());
        }
    }

    /** KAFKA_BOOTSTRAP_SERVERS is a listener the broker advertises; SCHEMA_REGISTRY_URL is where the registry listens. */
    private static void assertReachesTheBrokerAndTheRegistry(JsonNode services, StitchContainer container) {
        String bootstrap = container.env().get("KAFKA_BOOTSTRAP_SERVERS");
        String broker = bootstrap.substring(0, bootstrap.indexOf(':'));
        Map<String, String> brokerEnv = environment(services.path(broker).path("environment"));
        assertThat(brokerEnv.get("KAFKA_ADVERTISED_LISTENERS")).as("%s: KAFKA_BOOTSTRAP_SERVERS=%s is no listener that service "
                + "%s advertises", container.where(), bootstrap, broker).contains("://" + bootstrap);
        URI registry = URI.create(container.env().get("SCHEMA_REGISTRY_URL"));
        Map<String, String> registryEnv = environment(services.path(registry.getHost()).path("environment"));
        assertThat(registryEnv.get("SCHEMA_REGISTRY_LISTENERS")).as("%s: SCHEMA_REGISTRY_URL=%s: where service %s listens",
                container.where(), registry, registry.getHost()).endsWith(":" + registry.getPort());
    }

    /** The environment of the service built from docker/ that runs this program, the image's ENV included. */
    private static Map<String, String> serviceEnvironment(JsonNode services, Program program) {
        for (Map.Entry<String, JsonNode> entry : services.properties()) {
            JsonNode service = entry.getValue();
            if (service.path("build").isMissingNode()) {
                continue;
            }
            JsonNode build = service.path("build");
            Dockerfile image = Dockerfile.read(REPOSITORY.resolve(text(build.path("context"))).resolve(text(build.path("dockerfile"))));
            StitchContainer container = StitchContainer.of("", image, strings(service.path("command")), environment(service.path("environment")));
            if (container.program() == program) {
                return container.env();
            }
        }
        throw new AssertionError("no service built from docker/ runs the " + program);
    }

    /** The one-shot service that runs kafka-topics.sh. */
    private static String topicsService(JsonNode services) {
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            if (String.join(" ", strings(service.getValue().path("command"))).contains("kafka-topics.sh")) {
                return service.getKey();
            }
        }
        throw new AssertionError("docker-compose.yml has no service that creates the topics with kafka-topics.sh");
    }

    private static JsonNode compose() throws IOException {
        return KubernetesInstallation.SERIALIZATION.unmarshal(Files.readString(COMPOSE_FILE), JsonNode.class);
    }

    private static Map<String, String> environment(JsonNode environment) {
        Map<String, String> env = new LinkedHashMap<>();
        if (environment.isArray()) {
            environment.forEach(item -> {
                String pair = text(item);
                int equals = pair.indexOf('=');
                env.put(equals < 0 ? pair : pair.substring(0, equals), equals < 0 ? "" : pair.substring(equals + 1));
            });
        } else {
            environment.properties().forEach(entry -> env.put(entry.getKey(), text(entry.getValue())));
        }
        return env;
    }

    private static List<Integer> containerPorts(JsonNode ports) {
        List<Integer> container = new ArrayList<>();
        ports.forEach(port -> {
            String mapping = text(port).replace("/tcp", "");
            container.add(Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1)));
        });
        return container;
    }

    private static List<String> volumeTargets(JsonNode volumes) {
        List<String> targets = new ArrayList<>();
        volumes.forEach(volume -> {
            String[] parts = text(volume).split(":");
            targets.add(parts.length == 1 ? parts[0] : parts[1]);
        });
        return targets;
    }

    /** A compose memory size: bytes, or with a b, k, m or g suffix. */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([bkmg]?)").matcher(size.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            fail("not a memory size: %s", size);
        }
        long number = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> number << 10;
            case "m" -> number << 20;
            case "g" -> number << 30;
            default -> number;
        };
    }

    private static List<String> strings(JsonNode node) {
        List<String> strings = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> strings.add(text(item)));
        } else if (!node.isMissingNode() && !node.isNull()) {
            strings.add(text(node));
        }
        return strings;
    }

    /** A value as docker-compose reads it: {@code ${...}} filled from .env.example, {@code $$} a dollar. */
    private static String text(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        Matcher interpolation = INTERPOLATION.matcher(node.asText());
        StringBuilder value = new StringBuilder();
        while (interpolation.find()) {
            String replacement;
            if (interpolation.group(1) == null) {
                replacement = "$";
            } else {
                String set = ENV.get(interpolation.group(1));
                String operator = interpolation.group(2);
                boolean unset = set == null || operator != null && operator.startsWith(":") && set.isEmpty();
                if (unset && operator != null && operator.endsWith("?")) {
                    throw new AssertionError(interpolation.group(1) + " is required by docker-compose.yml and missing from .env.example");
                }
                replacement = unset ? (operator != null ? interpolation.group(3) : "") : set;
            }
            interpolation.appendReplacement(value, Matcher.quoteReplacement(replacement));
        }
        interpolation.appendTail(value);
        return value.toString();
    }

    private static Map<String, String> envExample() {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(ENV_EXAMPLE)) {
                String trimmed = line.trim();
                int equals = trimmed.indexOf('=');
                if (!trimmed.startsWith("#") && equals > 0) {
                    values.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + ENV_EXAMPLE + ": " + e.getMessage(), e);
        }
        return values;
    }
}
