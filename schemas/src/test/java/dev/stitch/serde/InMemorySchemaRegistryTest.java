package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemorySchemaRegistryTest {

    private static final Schema V1 = SchemaBuilder.record("Customer").fields()
            .requiredString("name")
            .endRecord();
    private static final Schema V2 = SchemaBuilder.record("Customer").fields()
            .requiredString("name")
            .optionalString("email")
            .endRecord();
    private static final Schema V3 = SchemaBuilder.record("Customer").fields()
            .requiredString("name")
            .optionalString("email")
            .optionalLong("createdAt")
            .endRecord();
    private static final Schema REQUIRED_AGE = SchemaBuilder.record("Customer").fields()
            .requiredString("name")
            .requiredInt("age")
            .endRecord();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void assignsIdsOneTwoThreeAcrossSubjects() {
        assertThat(registry.register("customers-value", V1)).isEqualTo(1);
        assertThat(registry.register("customers-value", V2)).isEqualTo(2);
        assertThat(registry.register("orders-value", SchemaBuilder.builder().stringType())).isEqualTo(3);
    }

    @Test
    void registeringTheSameSchemaAgainReturnsItsIdWithoutANewVersion() {
        int id = registry.register("customers-value", V1);

        assertThat(registry.register("customers-value", V1)).isEqualTo(id);
        assertThat(registry.latest("customers-value")).isEqualTo(new RegisteredSchema("customers-value", id, 1, V1));
    }

    @Test
    void aSchemaRegisteredUnderASecondSubjectKeepsItsIdAndStartsThatSubjectAtVersionOne() {
        registry.register("customers-value", V1);
        int id = registry.register("customers-value", V2);

        assertThat(registry.register("archive-value", V2)).isEqualTo(id);
        assertThat(registry.latest("archive-value").version()).isEqualTo(1);
    }

    @Test
    void countsVersionsPerSubject() {
        registry.register("customers-value", V1);
        registry.register("other-value", SchemaBuilder.builder().intType());
        registry.register("customers-value", V2);
        int id = registry.register("customers-value", V3);

        assertThat(registry.latest("customers-value")).isEqualTo(new RegisteredSchema("customers-value", id, 3, V3));
        assertThat(registry.schemaById(id)).isEqualTo(V3);
    }

    @Test
    void refusesToRegisterASchemaThatCannotReadTheLatestVersion() {
        registry.register("customers-value", V1);

        assertThatThrownBy(() -> registry.register("customers-value", REQUIRED_AGE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                    assertThat(e.registryMessage()).contains("version 1 of subject 'customers-value'")
                            .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("age");
                });
        assertThat(registry.latest("customers-value").version()).isEqualTo(1);
    }

    @Test
    void compatibilityIsCheckedAgainstTheLatestVersionOnly() {
        registry.register("customers-value", V1);
        registry.register("customers-value", V2);

        assertThat(registry.isCompatible("customers-value", V3)).isTrue();
        assertThat(registry.isCompatible("customers-value", REQUIRED_AGE)).isFalse();
    }

    @Test
    void anySchemaIsCompatibleWithASubjectWithoutVersions() {
        assertThat(registry.isCompatible("nobody-value", REQUIRED_AGE)).isTrue();
    }

    @Test
    void unknownSubjectsAndIdsAreNotFound() {
        assertThatThrownBy(() -> registry.latest("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> registry.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void subjectsAreListedInNameOrder() {
        registry.register("b-value", V1);
        registry.register("a-value", V1);

        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
    }

    @Test
    void forScopeSharesOneRegistryPerScopeUntilDropped() {
        String scope = "scope-" + UUID.randomUUID();
        InMemorySchemaRegistry first = InMemorySchemaRegistry.forScope(scope);

        assertThat(InMemorySchemaRegistry.forScope(scope)).isSameAs(first);
        assertThat(InMemorySchemaRegistry.forScope(scope + "-other")).isNotSameAs(first);
        InMemorySchemaRegistry.dropScope(scope);
        InMemorySchemaRegistry.dropScope(scope + "-other");
        assertThat(InMemorySchemaRegistry.forScope(scope)).isNotSameAs(first);
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void aJournaledRegistryComesBackWithTheSameIdsAndVersions(@TempDir Path dir) {
        Path journal = dir.resolve("registry/schemas.jsonl");
        InMemorySchemaRegistry before = new InMemorySchemaRegistry(journal);
        int v1 = before.register("customers-value", V1);
        int v2 = before.register("customers-value", V2);
        int other = before.register("orders-value", SchemaBuilder.builder().stringType());
        before.register("archive-value", V1);

        InMemorySchemaRegistry after = new InMemorySchemaRegistry(journal);

        assertThat(after.schemaById(v1)).isEqualTo(V1);
        assertThat(after.schemaById(other)).isEqualTo(SchemaBuilder.builder().stringType());
        assertThat(after.latest("customers-value")).isEqualTo(new RegisteredSchema("customers-value", v2, 2, V2));
        assertThat(after.latest("archive-value")).isEqualTo(new RegisteredSchema("archive-value", v1, 1, V1));
        assertThat(after.register("customers-value", V2)).as("already registered").isEqualTo(v2);
        assertThat(after.register("customers-value", V3)).as("numbering continues").isEqualTo(other + 1);
    }

    @Test
    void aJournalLineCutShortByACrashIsDroppedAndTheRestKept(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("schemas.jsonl");
        new InMemorySchemaRegistry(journal).register("customers-value", V1);
        Files.writeString(journal, "{\"subject\":\"customers-value\",\"id\":2,\"vers", StandardOpenOption.APPEND);

        InMemorySchemaRegistry restarted = new InMemorySchemaRegistry(journal);

        assertThat(restarted.latest("customers-value").id()).isEqualTo(1);
        assertThat(restarted.register("customers-value", V2)).isEqualTo(2);
        assertThat(new InMemorySchemaRegistry(journal).latest("customers-value").version()).isEqualTo(2);
    }

    @Test
    void aGarbledJournalLineIsRefusedNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("schemas.jsonl");
        new InMemorySchemaRegistry(journal).register("customers-value", V1);
        Files.writeString(journal, "not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> new InMemorySchemaRegistry(journal))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(journal.toString())
                .hasMessageContaining("line 2");
    }

    @Test
    void aJournaledScopeIsRefusedWhenTheScopeIsAlreadyInUseWithoutIt(@TempDir Path dir) {
        String scope = "scope-" + UUID.randomUUID();
        try {
            InMemorySchemaRegistry journaled = InMemorySchemaRegistry.forScope(scope, dir.resolve("schemas.jsonl"));

            assertThat(InMemorySchemaRegistry.forScope(scope)).isSameAs(journaled);
            assertThat(InMemorySchemaRegistry.forScope(scope, dir.resolve("./schemas.jsonl"))).isSameAs(journaled);
            assertThatThrownBy(() -> InMemorySchemaRegistry.forScope(scope, dir.resolve("elsewhere.jsonl")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already in use");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void concurrentRegistrationsOfDistinctSchemasGetDistinctIds() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> registrations = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String subject = "subject-" + i + "-value";
                Schema schema = SchemaBuilder.record("R" + (i % 50)).fields().endRecord();
                registrations.add(() -> registry.register(subject, schema));
            }
            List<Integer> ids = new ArrayList<>();
            for (Future<Integer> id : threads.invokeAll(registrations)) {
                ids.add(id.get());
            }

            assertThat(Set.copyOf(ids)).as("one id per distinct schema").hasSize(50);
            assertThat(Set.copyOf(ids)).allMatch(id -> id >= 1 && id <= 50);
            assertThat(registry.subjects()).hasSize(200);
        } finally {
            threads.shutdownNow();
        }
    }
}
