package dev.stitch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only file behind a persistent {@link InMemorySchemaRegistry}: one JSON line per registration,
 * {@code {"subject":..., "id":..., "version":..., "schema":"<schema JSON>"}}, in registration order.
 */
final class SchemaJournal {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    SchemaJournal(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    Path file() {
        return file;
    }

    /** Reads every registration recorded so far; an absent file holds none. */
    List<RegisteredSchema> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = lastNewline(bytes) + 1;
            if (end < bytes.length) {
                dropTornTail(bytes.length - end, end);
            }
            String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
            List<RegisteredSchema> registrations = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    registrations.add(parse(lines[i], i + 1));
                }
            }
            return registrations;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the schema journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one registration and forces it to disk before returning. */
    void append(RegisteredSchema registered) {
        ObjectNode line = JSON.createObjectNode()
                .put("subject", registered.subject())
                .put("id", registered.id())
                .put("version", registered.version())
                .put("schema", registered.schema().toString());
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ByteBuffer buffer = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            try (FileChannel channel = FileChannel.open(file,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.BACKEND_ERROR,
                    "Could not record the registration of subject '" + registered.subject() + "' in the schema journal "
                            + file + ": " + e.getMessage(), e);
        }
    }

    private RegisteredSchema parse(String line, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode subject = node.get("subject");
            JsonNode id = node.get("id");
            JsonNode version = node.get("version");
            JsonNode schema = node.get("schema");
            if (subject == null || !subject.isTextual() || id == null || !id.isInt()
                    || version == null || !version.isInt() || schema == null || !schema.isTextual()) {
                throw new IllegalStateException(unreadable(lineNumber, "it lacks one of subject, id, version, schema"));
            }
            return new RegisteredSchema(subject.asText(), id.asInt(), version.asInt(), new Schema.Parser().parse(schema.asText()));
        } catch (IOException | SchemaParseException e) {
            throw new IllegalStateException(unreadable(lineNumber, e.getMessage()), e);
        }
    }

    private String unreadable(int lineNumber, String why) {
        return "Schema journal " + file + " line " + lineNumber + " is not a registration (" + why
                + "); restore the file from a backup or remove it along with the Kafka data.";
    }

    /** A last line without its newline was cut short by a crash mid-write; its id was never handed out. */
    private void dropTornTail(int tornBytes, int keepBytes) throws IOException {
        LOG.warn("Schema journal {} ends with an incomplete line of {} bytes left by an interrupted write; dropping it. "
                + "Nothing to do: that registration was never acknowledged, and its client registers again.", file, tornBytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keepBytes);
            channel.force(true);
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
