package dev.stitch.serde;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * A schema registry held in memory: global ids 1, 2, 3, ... per instance (a schema registered under several
 * subjects keeps one id, as in Confluent's registry), versions 1, 2, 3, ... per subject, and registrations
 * refused unless BACKWARD compatible with the subject's latest version (the Confluent default).
 *
 * <p>Instances shared by scope back {@code mock://<scope>} URLs. With a journal file every registration is
 * appended to it and replayed at construction, so ids survive a restart of a process whose Kafka data stays
 * on disk. Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private static final ConcurrentMap<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    /** Keyed by the schema's JSON text, so that any difference (docs included) makes a new id. */
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> versionsBySubject = new TreeMap<>();
    private final SchemaJournal journal;
    private int lastId;

    /** An empty registry that forgets everything when the process ends. */
    public InMemorySchemaRegistry() {
        this.journal = null;
    }

    /**
     * A registry that records every registration in {@code journalFile} (created on the first one) and starts
     * with the registrations already recorded there.
     *
     * @throws IllegalStateException when the journal cannot be read or contradicts itself
     */
    public InMemorySchemaRegistry(Path journalFile) {
        this.journal = new SchemaJournal(journalFile);
        for (RegisteredSchema registered : journal.load()) {
            restore(registered);
        }
    }

    /** The registry shared by everything in this JVM that uses {@code mock://<scope>}. */
    public static InMemorySchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(requireScope(scope), s -> new InMemorySchemaRegistry());
    }

    /**
     * The registry of {@code scope}, created journaled to {@code journalFile} if the scope has none yet: lets
     * the embedded mode hand {@code mock://<scope>} users a registry whose ids survive restarts.
     *
     * @throws IllegalStateException when the scope already holds a registry with another journal, or none
     */
    public static InMemorySchemaRegistry forScope(String scope, Path journalFile) {
        Objects.requireNonNull(journalFile, "journalFile");
        InMemorySchemaRegistry registry =
                SCOPES.computeIfAbsent(requireScope(scope), s -> new InMemorySchemaRegistry(journalFile));
        Path existing = registry.journal == null ? null : registry.journal.file();
        if (!new SchemaJournal(journalFile).file().equals(existing)) {
            throw new IllegalStateException("Schema registry scope '" + scope + "' is already in use "
                    + (existing == null ? "without a journal" : "with journal " + existing)
                    + ", so it cannot be journaled to " + journalFile + "; open the journaled scope before anything uses it.");
        }
        return registry;
    }

    /** Forgets the registry of {@code scope}, as tests do between runs. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        requireSubject(subject);
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        Integer knownId = idsBySchemaText.get(text);
        List<RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (knownId != null && versions.stream().anyMatch(v -> v.id() == knownId)) {
            return knownId;
        }
        if (!versions.isEmpty()) {
            RegisteredSchema latest = versions.get(versions.size() - 1);
            String problem = backwardIncompatibility(schema, latest.schema());
            if (problem != null) {
                throw SchemaRegistryException.incompatible("Schema being registered is incompatible with version "
                        + latest.version() + " of subject '" + subject + "' (BACKWARD): " + problem);
            }
        }
        int id = knownId != null ? knownId : lastId + 1;
        RegisteredSchema registered = new RegisteredSchema(subject, id, versions.size() + 1, schema);
        // Journal first: an id handed out must never be forgotten by a restart.
        if (journal != null) {
            journal.append(registered);
        }
        apply(registered, text);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw SchemaRegistryException.schemaNotFound(id);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        List<RegisteredSchema> versions = versionsBySubject.get(subject);
        return versions == null || backwardIncompatibility(schema, versions.get(versions.size() - 1).schema()) == null;
    }

    @Override
    public synchronized List<String> subjects() {
        return new ArrayList<>(versionsBySubject.keySet());
    }

    /** Replays one journaled registration, refusing a journal that contradicts itself. */
    private void restore(RegisteredSchema registered) {
        String text = registered.schema().toString();
        Integer knownId = idsBySchemaText.get(text);
        boolean idContradicts = knownId != null
                ? knownId != registered.id()
                : schemasById.containsKey(registered.id());
        if (idContradicts) {
            throw new IllegalStateException("Schema journal " + journal.file() + " gives id " + registered.id()
                    + " to subject '" + registered.subject() + "' version " + registered.version()
                    + ", which contradicts an earlier line; restore the file from a backup or remove it along with the Kafka data.");
        }
        int expectedVersion = versionsBySubject.getOrDefault(registered.subject(), List.of()).size() + 1;
        if (registered.version() != expectedVersion) {
            throw new IllegalStateException("Schema journal " + journal.file() + " records version " + registered.version()
                    + " of subject '" + registered.subject() + "' where version " + expectedVersion
                    + " was expected; restore the file from a backup or remove it along with the Kafka data.");
        }
        apply(registered, text);
    }

    private void apply(RegisteredSchema registered, String text) {
        idsBySchemaText.put(text, registered.id());
        schemasById.put(registered.id(), registered.schema());
        versionsBySubject.computeIfAbsent(registered.subject(), s -> new ArrayList<>()).add(registered);
        lastId = Math.max(lastId, registered.id());
    }

    /** Null when {@code reader} can read data written with {@code writer}; otherwise what stops it. */
    private static String backwardIncompatibility(Schema reader, Schema writer) {
        SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return result.getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
    }

    private static String requireScope(String scope) {
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("A mock schema registry needs a scope name, as in mock://my-tests.");
        }
        return scope;
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("A subject name is required, such as 'segment.raw-value'.");
        }
    }
}
