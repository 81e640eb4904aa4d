package dev.stitch.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in schema registry for client tests: records every request it gets and answers each
 * {@code METHOD path} with the response set for it, or with the catch-all response.
 */
final class StubRegistryServer implements AutoCloseable {

    /** One request as received; the path is raw (still percent-encoded). */
    record Request(String method, String rawPath, String contentType, String accept, String authorization, String body) {
    }

    private record Response(int status, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private volatile Response catchAll = new Response(404, "{\"error_code\":404,\"message\":\"No stub for this request.\"}");

    private StubRegistryServer(HttpServer server) {
        this.server = server;
    }

    static StubRegistryServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StubRegistryServer stub = new StubRegistryServer(server);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of a local port nothing listens on: connections to it are refused at once. */
    static URI closedPortUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void respond(String method, String rawPath, int status, String body) {
        responses.put(method + " " + rawPath, new Response(status, body));
    }

    void respondToEverything(int status, String body) {
        catchAll = new Response(status, body);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        requests.add(new Request(method, rawPath,
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Response response = responses.getOrDefault(method + " " + rawPath, catchAll);
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }
}
