package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Holds every schema in {@code src/main/avro} against its released versions in
 * {@code src/test/resources/schema-history/<RecordName>/v<N>.avsc}: the current schema must read data written
 * with each of them (Avro BACKWARD), so records already in Kafka topics and changelogs stay readable.
 */
class SchemaCompatibilityTest {

    private static final Path CURRENT_SCHEMAS = Path.of(System.getProperty("basedir", "."), "src", "main", "avro");

    @TestFactory
    Stream<DynamicTest> currentSchemasReadEveryReleasedVersion() {
        Map<String, Schema> current = currentSchemasBySimpleName();
        return releasedVersions().entrySet().stream().flatMap(record -> record.getValue().stream().map(version ->
                DynamicTest.dynamicTest(record.getKey() + " reads data written with " + version.getFileName(), () -> {
                    Schema reader = current.get(record.getKey());
                    Schema writer = new Schema.Parser().parse(version.toFile());
                    SchemaCompatibility.SchemaPairCompatibility result =
                            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                    assertThat(result.getType())
                            .as("%s can no longer read %s: %s", record.getKey(), version, result.getResult().getIncompatibilities())
                            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                })));
    }

    @Test
    void everyReleasedRecordStillExists() {
        assertThat(currentSchemasBySimpleName().keySet())
                .as("a released record was removed or renamed; readers of its topic would break")
                .containsAll(releasedVersions().keySet());
    }

    @Test
    void everyRecordHasAReleasedVersion() throws IOException {
        List<String> topicRecords;
        try (Stream<Path> files = Files.walk(CURRENT_SCHEMAS)) {
            topicRecords = files.filter(file -> file.toString().endsWith(".avsc"))
                    .map(file -> file.getFileName().toString().replace(".avsc", ""))
                    .collect(Collectors.toList());
        }

        assertThat(topicRecords).isNotEmpty();
        assertThat(releasedVersions().keySet())
                .as("copy each new record's schema to src/test/resources/schema-history/<RecordName>/v1.avsc")
                .containsAll(topicRecords);
    }

    @Test
    void theCheckRefusesANewRequiredFieldWithoutDefault() throws IOException {
        Schema released = released("SegmentEvent", "v1.avsc");
        Schema changed = withField(released, new ObjectMapper().createObjectNode().put("name", "tenant").put("type", "string"));

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void theCheckAcceptsANewOptionalFieldWithDefault() throws IOException {
        Schema released = released("SegmentEvent", "v1.avsc");
        ObjectMapper json = new ObjectMapper();
        ObjectNode optional = json.createObjectNode().put("name", "tenant");
        optional.set("type", json.createArrayNode().add("null").add("string"));
        optional.putNull("default");

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withField(released, optional), released).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    /** The top-level schema of each .avsc file, parsed together so that files can refer to one another. */
    private static Map<String, Schema> currentSchemasBySimpleName() {
        SchemaParser parser = new SchemaParser();
        List<String> fileRecordNames;
        try (Stream<Path> files = Files.walk(CURRENT_SCHEMAS)) {
            List<Path> avscFiles = files.filter(file -> file.toString().endsWith(".avsc")).sorted().toList();
            for (Path file : avscFiles) {
                parser.parse(file);
            }
            fileRecordNames = avscFiles.stream().map(file -> file.getFileName().toString().replace(".avsc", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Schema> bySimpleName = new TreeMap<>();
        for (Schema schema : parser.getParsedNamedSchemas()) {
            if (fileRecordNames.contains(schema.getName())) {
                Schema clash = bySimpleName.put(schema.getName(), schema);
                assertThat(clash).as("two schemas are named %s; name history directories apart", schema.getName()).isNull();
            }
        }
        return bySimpleName;
    }

    /** Each released record's version files, oldest first. */
    private static Map<String, List<Path>> releasedVersions() {
        Map<String, List<Path>> versions = new TreeMap<>();
        try (Stream<Path> records = Files.list(historyDirectory())) {
            for (Path record : records.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(record)) {
                    versions.put(record.getFileName().toString(), files
                            .filter(file -> file.getFileName().toString().matches("v\\d+\\.avsc"))
                            .sorted(Comparator.comparingInt(SchemaCompatibilityTest::versionNumber))
                            .toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    private static Schema released(String record, String version) throws IOException {
        return new Schema.Parser().parse(historyDirectory().resolve(record).resolve(version).toFile());
    }

    private static Path historyDirectory() {
        URL history = SchemaCompatibilityTest.class.getResource("/schema-history");
        assertThat(history).as("schema-history on the test classpath").isNotNull();
        try {
            return Path.of(history.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int versionNumber(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.length() - ".avsc".length()));
    }

    private static Schema withField(Schema schema, ObjectNode field) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(schema.toString());
        ((ArrayNode) tree.get("fields")).add(field);
        return new Schema.Parser().parse(tree.toString());
    }
}
