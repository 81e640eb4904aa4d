package dev.stitch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link SchemaRegistry} over the Confluent Schema Registry REST API, so that other processes (a
 * {@code replay} in another JVM, Confluent's own clients) can use the embedded mode's in-memory registry:
 * {@code GET /subjects}, {@code POST /subjects/{subject}/versions}, {@code GET /subjects/{subject}/versions/latest},
 * {@code GET /schemas/ids/{id}} and {@code POST /compatibility/subjects/{subject}/versions/latest}, answering
 * errors as {@code {"error_code", "message"}}. Holds the listening JDK HTTP server and its threads.
 */
public final class RegistryHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpServer.class);
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final int HANDLER_THREADS = 4;

    private final SchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;

    private RegistryHttpServer(SchemaRegistry registry, HttpServer server, ExecutorService executor, String host) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
        InetSocketAddress bound = server.getAddress();
        // A wildcard address is not somewhere to connect to; the loopback address of the same machine is.
        String reachableHost = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : host;
        this.url = "http://" + (reachableHost.contains(":") ? "[" + reachableHost + "]" : reachableHost) + ":" + bound.getPort();
    }

    /**
     * Starts serving {@code registry} on {@code host}:{@code port}; port 0 picks a free port.
     *
     * @throws UncheckedIOException when the address cannot be bound, saying which
     */
    public static RegistryHttpServer start(SchemaRegistry registry, String host, int port) {
        Objects.requireNonNull(registry, "registry");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not serve the schema registry on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another port or host.", e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(HANDLER_THREADS, task -> {
            Thread thread = new Thread(task, "schema-registry-http-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        RegistryHttpServer registryServer = new RegistryHttpServer(registry, server, executor, host);
        server.createContext("/", registryServer::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Serving the schema registry at {}", registryServer.url);
        return registryServer;
    }

    /** The base URL clients use, such as {@code http://127.0.0.1:38081}. */
    public String url() {
        return url;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once and ends the handler threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
    }

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Answer answer;
        try {
            answer = route(method, segments(path), exchange);
        } catch (MethodNotAllowed e) {
            answer = new Answer(405, RegistryApi.errorBody(405, e.registryMessage()), e.allowed);
        } catch (SchemaRegistryException e) {
            boolean httpStatus = e.status() >= 400 && e.status() < 600;
            answer = Answer.error(httpStatus ? e.status() : 500, e.errorCode(), e.registryMessage());
        } catch (RuntimeException | IOException e) {
            LOG.warn("Schema registry request {} {} failed and was answered 500; check the registry behind the server.",
                    method, path, e);
            answer = Answer.error(500, SchemaRegistryException.BACKEND_ERROR, "Internal error: " + e.getMessage());
        }
        try {
            send(exchange, answer);
        } catch (IOException e) {
            LOG.debug("Could not answer {} {}: the client went away", method, path, e);
        } finally {
            exchange.close();
        }
    }

    private Answer route(String method, List<String> segments, HttpExchange exchange) throws IOException {
        if (matches(segments, "subjects")) {
            requireMethod(method, "GET");
            return Answer.ok(RegistryApi.subjectsBody(registry.subjects()));
        }
        if (matches(segments, "subjects", null, "versions")) {
            requireMethod(method, "POST");
            Schema schema = schemaFromBody(exchange);
            return Answer.ok(RegistryApi.idBody(registry.register(RegistryApi.decodeSegment(segments.get(1)), schema)));
        }
        if (matches(segments, "subjects", null, "versions", "latest")) {
            requireMethod(method, "GET");
            return Answer.ok(RegistryApi.registeredBody(registry.latest(RegistryApi.decodeSegment(segments.get(1)))));
        }
        if (matches(segments, "schemas", "ids", null)) {
            requireMethod(method, "GET");
            return Answer.ok(RegistryApi.schemaBody(registry.schemaById(schemaId(segments.get(2)))));
        }
        if (matches(segments, "compatibility", "subjects", null, "versions", "latest")) {
            requireMethod(method, "POST");
            Schema schema = schemaFromBody(exchange);
            boolean compatible = registry.isCompatible(RegistryApi.decodeSegment(segments.get(2)), schema);
            return Answer.ok(RegistryApi.compatibilityBody(compatible));
        }
        throw new SchemaRegistryException(404, 404, "No schema registry endpoint at " + exchange.getRequestURI().getRawPath() + ".");
    }

    /** True when the path has exactly these segments, a null standing for any one segment. */
    private static boolean matches(List<String> segments, String... pattern) {
        if (segments.size() != pattern.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i] != null && !pattern[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private static void requireMethod(String actual, String allowed) {
        if (!allowed.equals(actual)) {
            throw new MethodNotAllowed(actual, allowed);
        }
    }

    private static int schemaId(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema id '" + segment + "' is not a number, so no schema has it.");
        }
    }

    /** Reads {@code {"schema": "<schema JSON>"}}, as Confluent clients send it for Avro. */
    private static Schema schemaFromBody(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream body = exchange.getRequestBody()) {
            bytes = body.readNBytes(MAX_REQUEST_BYTES + 1);
        }
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new SchemaRegistryException(413, 413, "The request body is over " + MAX_REQUEST_BYTES + " bytes.");
        }
        JsonNode request;
        try {
            request = RegistryApi.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "The request body is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.path("schema").isTextual()) {
            throw SchemaRegistryException.invalidSchema(
                    "The request body must be a JSON object whose \"schema\" field holds the schema as a string.");
        }
        JsonNode schemaType = request.get("schemaType");
        if (schemaType != null && !schemaType.isNull() && !"AVRO".equals(schemaType.asText())) {
            throw SchemaRegistryException.invalidSchema("Only AVRO schemas are supported, not " + schemaType.asText() + ".");
        }
        JsonNode references = request.get("references");
        if (references != null && !references.isNull() && !references.isEmpty()) {
            throw SchemaRegistryException.invalidSchema("Schema references are not supported; send the schema whole.");
        }
        try {
            return RegistryApi.parseSchema(request.get("schema").asText());
        } catch (SchemaParseException e) {
            throw SchemaRegistryException.invalidSchema("Invalid Avro schema: " + e.getMessage());
        }
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", RegistryApi.MEDIA_TYPE);
        if (answer.allow() != null) {
            exchange.getResponseHeaders().set("Allow", answer.allow());
        }
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** What to answer: the status, the JSON body, and for a 405 the method that is allowed. */
    private record Answer(int status, String body, String allow) {

        static Answer ok(String body) {
            return new Answer(200, body, null);
        }

        static Answer error(int status, int errorCode, String message) {
            return new Answer(status, RegistryApi.errorBody(errorCode, message), null);
        }
    }

    /** A known path asked with the wrong method; answered 405 with an Allow header. */
    private static final class MethodNotAllowed extends SchemaRegistryException {

        private static final long serialVersionUID = 1L;

        private final String allowed;

        MethodNotAllowed(String actual, String allowed) {
            super(405, 405, "Method " + actual + " is not allowed here; use " + allowed + ".");
            this.allowed = allowed;
        }
    }
}
