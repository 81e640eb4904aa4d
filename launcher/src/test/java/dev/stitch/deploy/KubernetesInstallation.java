package dev.stitch.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of Kubernetes objects as one installation of stitch would create them (the base's files, or
 * an overlay rendered by kustomize), with what the tests need to ask of it.
 *
 * @param label     what to name in a failure
 * @param resources the objects
 */
record KubernetesInstallation(String label, List<HasMetadata> resources) {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The value each Secret key gets in the tests: the real ones are the user's. */
    static final String SECRET_STAND_IN = "secret-stand-in";

    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** A Deployment or StatefulSet: the pod template and what the controller adds to it. */
    record Workload(HasMetadata resource, PodTemplateSpec template, Integer replicas, String serviceName, List<String> claimNames) {

        String name() {
            return resource.getMetadata().getName();
        }

        String describe() {
            return resource.getKind() + " " + name();
        }

        /** A name one of its pods gets: the StatefulSet's first, or a Deployment's made-up one. */
        String podName() {
            return resource instanceof StatefulSet ? name() + "-0" : name() + "-5d9c7b8f4-x2x7q";
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
        }
    }

    /** Every object of one or more YAML documents, each parsed into its Kubernetes model class. */
    static List<HasMetadata> parse(InputStream yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<HasMetadata> resources = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.forEach(item -> resources.add((HasMetadata) item));
        } else if (parsed instanceof KubernetesList list) {
            resources.addAll(list.getItems());
        } else if (parsed instanceof HasMetadata resource) {
            resources.add(resource);
        } else if (parsed != null) {
            throw new AssertionError("not a Kubernetes object: " + parsed.getClass().getName());
        }
        resources.removeIf(Objects::isNull);
        return resources;
    }

    static List<HasMetadata> parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(resource -> name.equals(resource.getMetadata().getName())).findFirst();
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment deployment : all(Deployment.class)) {
            workloads.add(new Workload(deployment, deployment.getSpec().getTemplate(), deployment.getSpec().getReplicas(), null, List.of()));
        }
        for (StatefulSet set : all(StatefulSet.class)) {
            List<String> claims = set.getSpec().getVolumeClaimTemplates() == null ? List.of()
                    : set.getSpec().getVolumeClaimTemplates().stream().map(claim -> claim.getMetadata().getName()).toList();
            workloads.add(new Workload(set, set.getSpec().getTemplate(), set.getSpec().getReplicas(), set.getSpec().getServiceName(), claims));
        }
        return workloads;
    }

    /** The Services whose selector picks the workload's pods. */
    List<Service> servicesOf(Workload workload) {
        return all(Service.class).stream()
                .filter(service -> selects(service.getSpec().getSelector(), workload.podLabels()))
                .toList();
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("selectors here use matchLabels only: " + selector);
        }
        return selects(selector.getMatchLabels(), labels);
    }

    /** The container port a Service's targetPort or a probe's port names, by number or by name. */
    static Integer resolvePort(IntOrString port, Container container) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(declared -> port.getStrVal().equals(declared.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    /**
     * The container's environment as the kubelet builds it: the ConfigMaps of envFrom (which must
     * exist here), then env in order, expanding {@code $(NAME)} from what came before; a Secret's key
     * gets {@link #SECRET_STAND_IN} followed by its key, a pod field the value it would have.
     */
    Map<String, String> environment(Workload workload, Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource source : list(container.getEnvFrom())) {
            if (source.getConfigMapRef() == null) {
                throw new AssertionError(label + ": " + workload.describe() + " takes envFrom other than a ConfigMap; "
                        + "take secrets key by key with secretKeyRef, so that their names can be checked");
            }
            String name = source.getConfigMapRef().getName();
            ConfigMap map = named(ConfigMap.class, name).orElseThrow(() -> new AssertionError(
                    label + ": " + workload.describe() + " takes its settings from ConfigMap " + name + ", which is not part of it"));
            env.putAll(map.getData() == null ? Map.of() : map.getData());
        }
        String namespace = Optional.ofNullable(workload.resource().getMetadata().getNamespace()).orElse("default");
        for (EnvVar variable : list(container.getEnv())) {
            String value;
            if (variable.getValueFrom() == null) {
                value = expand(variable.getValue() == null ? "" : variable.getValue(), env);
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                // One stand-in per key: two keys of a Secret hold different values (a server and a browser write key must).
                value = SECRET_STAND_IN + "-" + variable.getValueFrom().getSecretKeyRef().getKey();
            } else if (variable.getValueFrom().getFieldRef() != null) {
                value = switch (variable.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> workload.podName();
                    case "metadata.namespace" -> namespace;
                    default -> "field-" + variable.getValueFrom().getFieldRef().getFieldPath();
                };
            } else {
                value = "from-" + variable.getValueFrom();
            }
            env.put(variable.getName(), value);
        }
        return env;
    }

    /** Every Secret key the containers take. */
    List<SecretKeySelector> secretKeys() {
        List<SecretKeySelector> keys = new ArrayList<>();
        for (Workload workload : workloads()) {
            for (Container container : workload.template().getSpec().getContainers()) {
                for (EnvVar variable : list(container.getEnv())) {
                    if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                        keys.add(variable.getValueFrom().getSecretKeyRef());
                    }
                }
            }
        }
        return keys;
    }

    private static String expand(String value, Map<String, String> defined) {
        Matcher reference = VARIABLE_REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String replacement = defined.getOrDefault(reference.group(1), reference.group());
            reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        reference.appendTail(expanded);
        return expanded.toString();
    }

    static <T> List<T> list(List<T> maybe) {
        return maybe == null ? List.of() : maybe;
    }
}
