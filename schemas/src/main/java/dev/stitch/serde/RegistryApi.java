package dev.stitch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry REST API as both {@link RestSchemaRegistryClient} and
 * {@link RegistryHttpServer} speak it: the media type, the paths, and the JSON bodies.
 */
final class RegistryApi {

    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    static final ObjectMapper JSON = new ObjectMapper();

    private RegistryApi() {
    }

    static String subjectsPath() {
        return "/subjects";
    }

    static String subjectVersionsPath(String subject) {
        return "/subjects/" + encodeSegment(subject) + "/versions";
    }

    static String latestVersionPath(String subject) {
        return subjectVersionsPath(subject) + "/latest";
    }

    static String schemaByIdPath(int id) {
        return "/schemas/ids/" + id;
    }

    static String compatibilityPath(String subject) {
        return "/compatibility/subjects/" + encodeSegment(subject) + "/versions/latest";
    }

    /** Percent-encodes one path segment; form encoding's '+' for a space is wrong in a path. */
    static String encodeSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Decodes one raw path segment; a '+' in a path is a plus sign, not a space. */
    static String decodeSegment(String rawSegment) {
        return URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code {"schema": "<schema JSON>"}}: the register and compatibility request, and the by-id answer. */
    static String schemaBody(Schema schema) {
        return write(JSON.createObjectNode().put("schema", schema.toString()));
    }

    static String idBody(int id) {
        return write(JSON.createObjectNode().put("id", id));
    }

    static String registeredBody(RegisteredSchema registered) {
        return write(JSON.createObjectNode()
                .put("subject", registered.subject())
                .put("version", registered.version())
                .put("id", registered.id())
                .put("schema", registered.schema().toString()));
    }

    static String compatibilityBody(boolean compatible) {
        return write(JSON.createObjectNode().put("is_compatible", compatible));
    }

    static String subjectsBody(List<String> subjects) {
        ArrayNode array = JSON.createArrayNode();
        subjects.forEach(array::add);
        return write(array);
    }

    static String errorBody(int errorCode, String message) {
        return write(JSON.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    /** Parses a schema's JSON text, as found in a request or answer's {@code "schema"} field. */
    static Schema parseSchema(String text) {
        return new Schema.Parser().parse(text);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Jackson could not write a JSON tree it built: " + e.getMessage(), e);
        }
    }
}
