package dev.stitch.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A customer's web site, for the browser tests: pages that load the real pixel ({@code @usermaven/sdk-js},
 * its browser bundle as npm installs it) from the site's own origin, which sends each page view to the
 * bridge. Any path but {@code /lib.js} is a page titled after the path ({@code /pricing} is "Pricing").
 */
final class PixelSite implements AutoCloseable {

    /** Where the build installs the pixel (the exec-maven-plugin's npm install into the launcher's target/pixel). */
    static final Path PIXEL = Path.of("target", "pixel", "node_modules", "@usermaven", "sdk-js", "dist", "lib.js");

    private final HttpServer server;
    private volatile String key;
    private volatile String trackingHost;

    private PixelSite(HttpServer server) {
        this.server = server;
    }

    /** Listens on a free port of localhost; {@link #track} says where the pages send their events. */
    static PixelSite start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            PixelSite site = new PixelSite(server);
            server.createContext("/", site::answer);
            server.start();
            return site;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pages' pixel sends to {@code bridgeUrl} with the browser key {@code browserKey}. */
    void track(String browserKey, String bridgeUrl) {
        this.key = browserKey;
        this.trackingHost = bridgeUrl;
    }

    /** This site's origin, as browsers send it in {@code Origin}. */
    String origin() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    String url(String pathAndQuery) {
        return origin() + pathAndQuery;
    }

    /** The pixel's cookie: {@code __eventn_id_} followed by the key, holding the visitor's anonymous id. */
    String cookieName() {
        return "__eventn_id_" + key;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        String type;
        if (path.equals("/lib.js")) {
            body = Files.readAllBytes(PIXEL);
            type = "text/javascript; charset=utf-8";
        } else if (path.equals("/favicon.ico")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        } else {
            body = page(title(path)).getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String title(String path) {
        String name = path.replaceAll("[^A-Za-z0-9-]", "");
        return name.isEmpty() ? "Home" : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private String page(String title) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<script src=\"/lib.js\" data-key=\"" + key + "\" data-tracking-host=\"" + trackingHost + "\""
                + " data-auto-pageview=\"true\"></script></head><body><h1>" + title + "</h1></body></html>";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
