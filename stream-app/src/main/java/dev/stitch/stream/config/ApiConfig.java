package dev.stitch.stream.config;

import dev.stitch.config.EnvironmentReader;

/**
 * The query API's settings (docs/architecture.md#the-query-api).
 *
 * @param host           the address to listen on ({@code STITCH_API_HOST}, {@code 0.0.0.0})
 * @param port           the port ({@code STITCH_API_PORT}, 8081; 0 picks a free one)
 * @param token          the bearer token callers must send ({@code STITCH_API_TOKEN}); null when not
 *                       configured: the embedded default then generates one, {@code stream} refuses to start
 * @param advertisedHost the host other instances reach this one at ({@code STITCH_API_ADVERTISED_HOST},
 *                       {@code localhost}); with the port it is this instance's Kafka Streams
 *                       {@code application.server}, so each instance can forward a query to the key's owner
 * @param console        what the console served under {@code /console/} keeps of the newest activity
 */
public record ApiConfig(String host, int port, String token, String advertisedHost, ConsoleConfig console) {

    /** With the console's default bounds. */
    public ApiConfig(String host, int port, String token, String advertisedHost) {
        this(host, port, token, advertisedHost, ConsoleConfig.defaults());
    }

    public static final int DEFAULT_PORT = 8081;

    static ApiConfig read(EnvironmentReader read) {
        return new ApiConfig(
                read.text("STITCH_API_HOST", "0.0.0.0"),
                read.integer("STITCH_API_PORT", DEFAULT_PORT, 0, 65535),
                read.text("STITCH_API_TOKEN", null),
                read.text("STITCH_API_ADVERTISED_HOST", "localhost"),
                ConsoleConfig.read(read));
    }

    public ApiConfig withToken(String newToken) {
        return new ApiConfig(host, port, newToken, advertisedHost, console);
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, token, advertisedHost, console);
    }

    /** What Kafka Streams tells other instances about this one: {@code host:port}. */
    public String applicationServer() {
        return advertisedHost + ":" + port;
    }
}
