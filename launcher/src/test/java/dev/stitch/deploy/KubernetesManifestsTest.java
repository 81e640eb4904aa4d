package dev.stitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.config.Topic;
import dev.stitch.deploy.KubernetesInstallation.Workload;
import dev.stitch.stream.app.StitchApplication;
import dev.stitch.stream.config.AppConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.stitch.deploy.KubernetesInstallation.list;
import static dev.stitch.deploy.KubernetesInstallation.resolvePort;
import static dev.stitch.deploy.KubernetesInstallation.selects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The Kubernetes manifests under deploy/ parse into Kubernetes model objects and agree with the
 * application's real configuration: ports, probes, variable names, the state volume, the
 * advertised host, standby replicas, selectors, and the ConfigMaps and Secret they name.
 */
class KubernetesManifestsTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = REPOSITORY.resolve("deploy");
    private static final Path BASE = DEPLOY.resolve("base");
    private static final Path EXAMPLE = DEPLOY.resolve("overlays/example");
    private static final String KUSTOMIZATION = "kustomization.yaml";

    @Test
    void everyManifestUnderDeployParsesIntoKubernetesModelObjects() throws IOException {
        List<Path> manifests = manifests(DEPLOY);
        assertThat(manifests).as("manifests under %s", DEPLOY)
                .anyMatch(path -> path.startsWith(BASE)).anyMatch(path -> path.startsWith(EXAMPLE));
        for (Path manifest : manifests) {
            List<HasMetadata> resources = KubernetesInstallation.parse(manifest);
            assertThat(resources).as("objects in %s", manifest).isNotEmpty();
            for (HasMetadata resource : resources) {
                assertThat(resource).as("%s: %s/%s is of no kind the Kubernetes model knows (misspelt kind or apiVersion?)",
                        manifest, resource.getApiVersion(), resource.getKind()).isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(resource.getMetadata().getName()).as("%s: the name of a %s", manifest, resource.getKind()).isNotBlank();
            }
        }
    }

    @Test
    void everyManifestIsNamedByItsKustomizationAndEveryNameThereExists() throws IOException {
        for (Path kustomization : kustomizations()) {
            Path folder = kustomization.getParent();
            Set<Path> named = new HashSet<>();
            JsonNode content = readKustomization(kustomization);
            content.path("resources").forEach(entry -> named.add(folder.resolve(entry.asText()).normalize()));
            content.path("patches").forEach(entry -> named.add(folder.resolve(entry.path("path").asText()).normalize()));
            assertThat(named).as("what %s names", kustomization).allMatch(Files::exists);
            try (Stream<Path> files = Files.list(folder)) {
                List<Path> left = files.filter(KubernetesManifestsTest::isManifest).filter(file -> !named.contains(file)).toList();
                assertThat(left).as("manifests in %s that %s leaves out", folder, kustomization).isEmpty();
            }
        }
    }

    @Test
    void theExamplePatchesOnlyObjectsTheBaseHas() {
        Set<String> inBase = new TreeSet<>();
        baseInstallation().resources().forEach(resource -> inBase.add(resource.getKind() + " " + resource.getMetadata().getName()));
        readKustomization(EXAMPLE.resolve(KUSTOMIZATION)).path("patches").forEach(patch -> {
            Path file = EXAMPLE.resolve(patch.path("path").asText());
            for (HasMetadata resource : KubernetesInstallation.parse(file)) {
                assertThat(inBase).as("%s patches a %s the base does not have", file, resource.getKind())
                        .contains(resource.getKind() + " " + resource.getMetadata().getName());
            }
        });
    }

    @Test
    void theBaseAgreesWithTheApplicationsConfiguration() {
        assertAgreesWithTheApplications(baseInstallation());
    }

    @Test
    void theExampleOverlayAsKustomizeRendersItAgreesWithTheApplicationsConfiguration() {
        assertAgreesWithTheApplications(new KubernetesInstallation("overlays/example (kubectl kustomize)",
                KubernetesInstallation.parse(new ByteArrayInputStream(kustomize(EXAMPLE)))));
    }

    @Test
    void everyContainerOfTheBaseSetsEachTopicVariableItReadsToItsDefault() {
        KubernetesInstallation installation = baseInstallation();
        for (Workload workload : installation.workloads()) {
            for (Container container : workload.template().getSpec().getContainers()) {
                String where = installation.label() + ": " + workload.describe() + " container " + container.getName();
                Map<String, String> env = installation.environment(workload, container);
                Program program = StitchContainer.of(where, Dockerfile.ofImage(REPOSITORY, container.getImage()), container.getArgs(), env)
                        .program();
                Set<String> read = program.variablesRead(env);
                for (Topic topic : Topic.values()) {
                    if (read.contains(topic.setting())) {
                        assertThat(env).as("%s, which reads %s", where, topic.setting()).containsEntry(topic.setting(), topic.defaultName());
                    }
                }
            }
        }
    }

    @Test
    void theGuideCreatesEveryTopicByItsDefaultNameAndNamesItsVariable() throws IOException {
        String guide = Files.readString(DEPLOY.resolve("README.md"));
        Set<String> created = new TreeSet<>();
        Matcher creation = Pattern.compile("(?m)^\\s*topic\\s+(\\S+)").matcher(guide);
        while (creation.find()) {
            created.add(creation.group(1));
        }
        assertThat(created).as("topics deploy/README.md creates (`topic NAME ...`)")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Topic.values()).map(Topic::defaultName).toList());
        for (Topic topic : Topic.values()) {
            String named = "`" + topic.setting() + "` (`" + topic.defaultName() + "`)";
            assertThat(guide.contains(named)).as("deploy/README.md names the topic's variable with its default: %s", named).isTrue();
        }
    }

    @Test
    void theSecretTheContainersReadIsTheOneTheGuideCreates() throws IOException {
        String guide = Files.readString(DEPLOY.resolve("README.md"));
        Matcher creation = Pattern.compile("create secret generic ([a-z0-9.-]+)").matcher(guide);
        assertThat(creation.find()).as("deploy/README.md shows `kubectl create secret generic NAME ...`").isTrue();
        String secretName = creation.group(1);
        Set<String> keysCreated = new TreeSet<>();
        Matcher literal = Pattern.compile("--from-literal=([A-Za-z0-9_.-]+)=").matcher(guide);
        while (literal.find()) {
            keysCreated.add(literal.group(1));
        }
        List<SecretKeySelector> keys = baseInstallation().secretKeys();
        assertThat(keys).as("Secret keys the containers take").isNotEmpty();
        for (SecretKeySelector key : keys) {
            assertThat(key.getName()).as("the Secret holding %s", key.getKey()).isEqualTo(secretName);
            if (!Boolean.TRUE.equals(key.getOptional())) {
                assertThat(keysCreated).as("keys deploy/README.md creates in Secret %s: a pod needing %s would not start",
                        secretName, key.getKey()).contains(key.getKey());
            }
        }
    }

    private static void assertAgreesWithTheApplications(KubernetesInstallation installation) {
        String label = installation.label();
        List<Workload> workloads = installation.workloads();
        Set<Program> programs = EnumSet.noneOf(Program.class);
        for (Workload workload : workloads) {
            String where = label + ": " + workload.describe();
            assertThat(workload.template().getSpec().getEnableServiceLinks())
                    .as("%s: enableServiceLinks must be false, or a Service such as stitch-bridge puts STITCH_BRIDGE_PORT="
                            + "tcp://... into the pods, which the bridge reads as its port", where).isFalse();
            for (Container container : workload.template().getSpec().getContainers()) {
                assertThat(container.getCommand()).as("%s: the image's entrypoint decides the program", where).isNullOrEmpty();
                StitchContainer stitch = StitchContainer.of(where + " container " + container.getName(),
                        Dockerfile.ofImage(REPOSITORY, container.getImage()), container.getArgs(),
                        installation.environment(workload, container));
                programs.add(stitch.program());
                stitch.assertConfigurationIsValid();
                stitch.assertEveryVariableIsOneTheProgramReads();
                stitch.assertImageAgrees();
                assertPortsProbesAndServicesAgree(installation, workload, container, stitch);
                Quantity limit = container.getResources() == null || container.getResources().getLimits() == null ? null
                        : container.getResources().getLimits().get("memory");
                assertThat(limit).as("%s: a memory limit, which the JVM sizes its heap from", stitch.where()).isNotNull();
                stitch.assertMemoryFits(Quantity.getAmountInBytes(limit).longValueExact());
                switch (stitch.program()) {
                    case STREAM -> assertTheStreamApplicationCanScaleOut(installation, workload, container, stitch);
                    case BRIDGE -> assertTheAutoscalerOwnsTheReplicas(installation, workload, container, stitch);
                }
            }
        }
        assertThat(programs).as("%s: the programs its workloads run", label).containsExactlyInAnyOrder(Program.values());
        for (Service service : installation.all(Service.class)) {
            assertThat(workloads).as("%s: Service %s selects no workload's pods", label, service.getMetadata().getName())
                    .anyMatch(workload -> selects(service.getSpec().getSelector(), workload.podLabels()));
        }
        assertEveryWorkloadHasOneDisruptionBudget(installation);
    }

    private static void assertPortsProbesAndServicesAgree(KubernetesInstallation installation, Workload workload,
                                                          Container container, StitchContainer stitch) {
        int port = stitch.httpPort();
        String where = stitch.where();
        assertThat(list(container.getPorts())).as("%s: its ports", where).hasSize(1);
        assertThat(container.getPorts().get(0).getContainerPort()).as("%s: containerPort", where).isEqualTo(port);
        assertProbe(where + " readinessProbe", container.getReadinessProbe(), container, port, "/health/ready");
        assertProbe(where + " livenessProbe", container.getLivenessProbe(), container, port, "/health/live");
        if (container.getStartupProbe() != null) {
            assertProbe(where + " startupProbe", container.getStartupProbe(), container, port, "/health/live");
        }
        Map<String, String> annotations = Optional.ofNullable(workload.template().getMetadata().getAnnotations()).orElse(Map.of());
        assertThat(annotations).as("%s: Prometheus scrape annotations", where)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(port))
                .containsEntry("prometheus.io/path", "/metrics");
        List<Service> services = installation.servicesOf(workload);
        assertThat(services).as("%s: Services that select its pods", where).isNotEmpty();
        for (Service service : services) {
            for (ServicePort servicePort : service.getSpec().getPorts()) {
                assertThat(resolvePort(servicePort.getTargetPort(), container))
                        .as("%s: Service %s port %s sends to", where, service.getMetadata().getName(), servicePort.getName())
                        .isEqualTo(port);
            }
        }
    }

    private static void assertProbe(String where, Probe probe, Container container, int port, String path) {
        assertThat(probe).as(where).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("%s: an HTTP GET", where).isNotNull();
        assertThat(resolvePort(get.getPort(), container)).as("%s: its port", where).isEqualTo(port);
        assertThat(get.getPath()).as("%s: its path", where).isEqualTo(path);
    }

    /**
     * A StatefulSet with the state volume at STITCH_DATA_DIR, each pod advertising its own name
     * under the headless Service, and standby replicas that another pod can hold.
     */
    private static void assertTheStreamApplicationCanScaleOut(KubernetesInstallation installation, Workload workload,
                                                              Container container, StitchContainer stitch) {
        String where = stitch.where();
        AppConfig config = Program.streamConfig(stitch.env());
        assertThat(workload.resource()).as("%s: the stream application keeps state per pod", where).isInstanceOf(StatefulSet.class);

        Service headless = installation.named(Service.class, workload.serviceName()).orElse(null);
        assertThat(headless).as("%s: its serviceName %s names no Service", where, workload.serviceName()).isNotNull();
        assertThat(headless.getSpec().getClusterIP()).as("%s: Service %s is headless", where, workload.serviceName()).isEqualTo("None");

        List<String> stateMounts = list(container.getVolumeMounts()).stream()
                .filter(mount -> workload.claimNames().contains(mount.getName())).map(VolumeMount::getMountPath).toList();
        assertThat(stateMounts).as("%s: where its volumeClaimTemplates are mounted: STITCH_DATA_DIR, where RocksDB state lives",
                where).containsExactly(config.dataDir().toString());
        assertThat(config.stateDir()).as("%s: Kafka Streams' state directory is on the volume", where)
                .startsWithRaw(Path.of(stateMounts.get(0)));
        assertThat(workload.template().getSpec().getSecurityContext().getFsGroup())
                .as("%s: fsGroup, so that the non-root user can write the state volume", where).isNotNull();

        assertThat(config.api().advertisedHost())
                .as("%s: STITCH_API_ADVERTISED_HOST is the pod's own name under the headless Service ($(POD_NAME) from "
                        + "fieldRef metadata.name, defined before it)", where)
                .startsWith(workload.podName() + "." + workload.serviceName() + ".");

        assertThat(config.recovery().instanceName())
                .as("%s: STITCH_INSTANCE_NAME is the pod's name (fieldRef metadata.name): a restarted pod rejoins as the "
                        + "same static member", where)
                .isEqualTo(workload.podName());

        StreamsConfig streams = new StreamsConfig(StitchApplication.streamsProperties(config, config.bootstrapServers()));
        int standbys = streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
        int replicas = workload.replicas() == null ? 1 : workload.replicas();
        assertThat(standbys).as("%s: num.standby.replicas (KAFKA_NUM_STANDBY_REPLICAS)", where).isGreaterThanOrEqualTo(1);
        assertThat(replicas).as("%s: replicas, each standby needs a pod of its own besides the active one", where)
                .isGreaterThan(standbys);
        for (PodDisruptionBudget budget : installation.all(PodDisruptionBudget.class)) {
            if (selects(budget.getSpec().getSelector(), workload.podLabels()) && budget.getSpec().getMaxUnavailable() != null) {
                assertThat(budget.getSpec().getMaxUnavailable().getIntVal())
                        .as("%s: PodDisruptionBudget %s lets more pods go at once than there are standby copies", where,
                                budget.getMetadata().getName())
                        .isNotNull().isLessThanOrEqualTo(standbys);
            }
        }
    }

    private static void assertTheAutoscalerOwnsTheReplicas(KubernetesInstallation installation, Workload workload,
                                                           Container container, StitchContainer stitch) {
        List<HorizontalPodAutoscaler> autoscalers = installation.all(HorizontalPodAutoscaler.class).stream()
                .filter(hpa -> workload.resource().getKind().equals(hpa.getSpec().getScaleTargetRef().getKind())
                        && workload.name().equals(hpa.getSpec().getScaleTargetRef().getName()))
                .toList();
        assertThat(autoscalers).as("%s: HorizontalPodAutoscalers that scale it", stitch.where()).hasSize(1);
        assertThat(workload.replicas()).as("%s: replicas, which would reset the autoscaler's count on every apply",
                stitch.where()).isNull();
        boolean onCpu = autoscalers.get(0).getSpec().getMetrics().stream()
                .anyMatch(metric -> metric.getResource() != null && "cpu".equals(metric.getResource().getName()));
        if (onCpu) {
            assertThat(container.getResources().getRequests()).as("%s: a CPU request, what the autoscaler's utilization "
                    + "is measured against", stitch.where()).containsKey("cpu");
        }
        for (HorizontalPodAutoscaler hpa : installation.all(HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            boolean present = target.getKind().equals("Deployment") ? installation.named(Deployment.class, target.getName()).isPresent()
                    : installation.named(StatefulSet.class, target.getName()).isPresent();
            assertThat(present)
                    .as("%s: HorizontalPodAutoscaler %s scales %s %s, which is not there", installation.label(),
                            hpa.getMetadata().getName(), target.getKind(), target.getName()).isTrue();
        }
    }

    private static void assertEveryWorkloadHasOneDisruptionBudget(KubernetesInstallation installation) {
        List<PodDisruptionBudget> budgets = installation.all(PodDisruptionBudget.class);
        for (Workload workload : installation.workloads()) {
            assertThat(budgets).as("%s: PodDisruptionBudgets that select the pods of %s", installation.label(), workload.describe())
                    .filteredOn(budget -> selects(budget.getSpec().getSelector(), workload.podLabels())).hasSize(1);
        }
        for (PodDisruptionBudget budget : budgets) {
            assertThat(installation.workloads()).as("%s: PodDisruptionBudget %s selects no workload's pods",
                            installation.label(), budget.getMetadata().getName())
                    .anyMatch(workload -> selects(budget.getSpec().getSelector(), workload.podLabels()));
        }
    }

    private static KubernetesInstallation baseInstallation() {
        List<HasMetadata> resources = new ArrayList<>();
        readKustomization(BASE.resolve(KUSTOMIZATION)).path("resources")
                .forEach(entry -> resources.addAll(KubernetesInstallation.parse(BASE.resolve(entry.asText()))));
        return new KubernetesInstallation("deploy/base", resources);
    }

    /** The overlay as {@code kubectl kustomize} renders it; the test is skipped where kubectl is missing. */
    private static byte[] kustomize(Path folder) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", folder.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            abort("kubectl is not on the PATH, so the overlay cannot be rendered here: " + e.getMessage());
            return new byte[0];
        }
        try {
            byte[] rendered = process.getInputStream().readAllBytes();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("kubectl kustomize %s failed: %s", folder, errors);
            }
            return rendered;
        } catch (IOException | InterruptedException e) {
            process.destroy();
            throw new AssertionError("kubectl kustomize " + folder + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readKustomization(Path file) {
        try {
            return KubernetesInstallation.SERIALIZATION.unmarshal(Files.readString(file), JsonNode.class);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(file -> file.getFileName().toString().equals(KUSTOMIZATION)).sorted().toList();
        }
    }

    private static List<Path> manifests(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(KubernetesManifestsTest::isManifest).sorted().toList();
        }
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.equals(KUSTOMIZATION) && Files.isRegularFile(file);
    }
}
