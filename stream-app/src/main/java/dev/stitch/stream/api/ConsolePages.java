package dev.stitch.stream.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The console's static files under {@code /console/}, from the classpath folder {@code console}. The
 * files are public and hold no data: every figure the pages show is fetched from {@code /v1/*} with
 * the API token the user signs in with.
 */
final class ConsolePages {

    static final String PATH = "/console/";

    /**
     * Scripts and styles only from the console's own files, never inline; no framing (clickjacking);
     * the console's addresses are not sent to other sites.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private ConsolePages() {
    }

    static void mount(Router router) {
        router.routeWithRegex("^/console$|^/$").handler(ctx -> ctx.response()
                .setStatusCode(302).putHeader(HttpHeaders.LOCATION, PATH).end());
        router.route(PATH + "*").handler(ctx -> {
            ctx.response()
                    .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            ctx.next();
        });
        router.route(PATH + "*").handler(StaticHandler.create("console")
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setCachingEnabled(false)
                .setIncludeHidden(false));
    }
}
