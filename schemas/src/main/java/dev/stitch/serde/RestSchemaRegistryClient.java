package dev.stitch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API over {@link HttpClient}. Holds the registry's base
 * URLs, tried in order: a connection failure or a 5xx answer moves on to the next URL, a 4xx answer is the
 * registry's final word. Sends basic auth when given {@code user:password}. Caches nothing; wrap it in a
 * {@link CachingSchemaRegistry}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistry {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final List<URI> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** A client with the default timeouts; {@code basicAuthUserInfo} is {@code user:password} or null. */
    public RestSchemaRegistryClient(List<URI> baseUrls, String basicAuthUserInfo) {
        this(baseUrls, basicAuthUserInfo, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** A client whose every request gives up after {@code requestTimeout}, each connect after {@code connectTimeout}. */
    public RestSchemaRegistryClient(List<URI> baseUrls, String basicAuthUserInfo,
            Duration connectTimeout, Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("A schema registry client needs at least one base URL.");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.authorization = basicAuthorization(basicAuthUserInfo);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        // HTTP/1.1 only: the registry speaks it, and it spares an h2c upgrade attempt on every request.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
                .build();
    }

    /**
     * A client for a comma-separated list of {@code http(s)://[user:password@]host:port} URLs; an explicit
     * {@code basicAuthUserInfo} wins over user info embedded in the URLs.
     *
     * @throws IllegalArgumentException naming the URL that is not usable
     */
    public static RestSchemaRegistryClient forUrls(String commaSeparatedUrls, String basicAuthUserInfo) {
        RegistryUrls urls = RegistryUrls.parse(commaSeparatedUrls);
        boolean explicit = basicAuthUserInfo != null && !basicAuthUserInfo.isBlank();
        return new RestSchemaRegistryClient(urls.baseUrls(), explicit ? basicAuthUserInfo : urls.userInfo());
    }

    /** The base URLs this client tries, in order. */
    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode answer = send("POST", RegistryApi.subjectVersionsPath(subject), RegistryApi.schemaBody(schema));
        return requiredInt(answer, "id");
    }

    @Override
    public Schema schemaById(int id) {
        return requiredSchema(send("GET", RegistryApi.schemaByIdPath(id), null));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", RegistryApi.latestVersionPath(subject), null);
        String answeredSubject = answer.path("subject").isTextual() ? answer.get("subject").asText() : subject;
        return new RegisteredSchema(answeredSubject, requiredInt(answer, "id"), requiredInt(answer, "version"),
                requiredSchema(answer));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", RegistryApi.compatibilityPath(subject), RegistryApi.schemaBody(schema));
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw malformed("is_compatible", answer);
            }
            return compatible.asBoolean();
        } catch (SchemaRegistryException e) {
            // A subject without versions accepts any schema.
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", RegistryApi.subjectsPath(), null);
        if (!answer.isArray()) {
            throw malformed("a list of subjects", answer);
        }
        List<String> subjects = new ArrayList<>();
        answer.forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    /** Sends one request to each base URL in turn until one answers with other than a 5xx. */
    private JsonNode send(String method, String path, String body) {
        List<String> failures = new ArrayList<>();
        SchemaRegistryException lastError = null;
        for (int i = 0; i < baseUrls.size(); i++) {
            URI target = resolve(baseUrls.get(i), path);
            HttpResponse<String> response;
            try {
                response = http.send(request(method, target, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                String failure = target + " did not answer (" + describe(e) + ")";
                failures.add(failure);
                lastError = new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, 0,
                        failure + ". Check that the registry is running and that its URL is right.", e);
                warnIfFailingOver(failure, i);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, 0,
                        "Interrupted while waiting for the schema registry at " + target + ".", e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parseAnswer(target, status, response.body());
            }
            SchemaRegistryException error = errorFrom(target, status, response.body());
            if (status < 500) {
                throw error;
            }
            String failure = target + " failed: " + error.getMessage();
            failures.add(failure);
            lastError = error;
            warnIfFailingOver(failure, i);
        }
        if (baseUrls.size() == 1) {
            throw lastError;
        }
        throw new SchemaRegistryException(lastError.status(), lastError.errorCode(),
                "No schema registry URL could answer " + method + " " + path + ": " + String.join("; ", failures)
                        + ". Check that a registry is running at one of them.", lastError);
    }

    private void warnIfFailingOver(String failure, int index) {
        if (index + 1 < baseUrls.size()) {
            LOG.warn("Schema registry {}; trying {} instead. Check that registry instance.", failure, baseUrls.get(index + 1));
        }
    }

    private HttpRequest request(String method, URI target, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                .timeout(requestTimeout)
                .header("Accept", RegistryApi.MEDIA_TYPE);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            return builder.GET().build();
        }
        return builder.header("Content-Type", RegistryApi.MEDIA_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private static URI resolve(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    private static JsonNode parseAnswer(URI target, int status, String body) {
        try {
            return RegistryApi.JSON.readTree(body);
        } catch (IOException e) {
            throw new SchemaRegistryException(status, status, "The schema registry at " + target
                    + " answered with a body that is not JSON: " + abbreviate(body), e);
        }
    }

    /** The registry's {@code {"error_code", "message"}} when it sent one; the status and body otherwise. */
    private static SchemaRegistryException errorFrom(URI target, int status, String body) {
        try {
            JsonNode error = RegistryApi.JSON.readTree(body);
            if (error != null && error.path("error_code").isInt() && error.path("message").isTextual()) {
                return new SchemaRegistryException(status, error.get("error_code").asInt(), error.get("message").asText());
            }
        } catch (IOException notJson) {
            // Proxies and load balancers answer in HTML or plain text; report that below.
        }
        String detail = body == null || body.isBlank() ? "" : ": " + abbreviate(body);
        return new SchemaRegistryException(status, status, "HTTP " + status + " from " + target + detail);
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isInt()) {
            throw malformed(field, answer);
        }
        return value.asInt();
    }

    private static Schema requiredSchema(JsonNode answer) {
        JsonNode schema = answer.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw malformed("schema", answer);
        }
        try {
            return RegistryApi.parseSchema(schema.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "The schema registry answered with a schema Avro cannot parse: " + e.getMessage(), e);
        }
    }

    private static SchemaRegistryException malformed(String expected, JsonNode answer) {
        return new SchemaRegistryException(200, 200, "The schema registry's answer lacks " + expected + ": "
                + abbreviate(answer.toString()));
    }

    private static String basicAuthorization(String userInfo) {
        if (userInfo == null || userInfo.isBlank()) {
            return null;
        }
        if (!userInfo.contains(":")) {
            throw new IllegalArgumentException("Schema registry basic-auth user info must look like user:password.");
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_BODY_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }
}
