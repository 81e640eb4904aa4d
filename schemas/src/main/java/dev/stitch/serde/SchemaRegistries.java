package dev.stitch.serde;

/**
 * Turns a {@code SCHEMA_REGISTRY_URL} setting into a registry: {@code mock://<scope>} for the in-memory
 * registry shared within the JVM, otherwise one or more comma-separated {@code http(s)://} URLs of a
 * Confluent-compatible registry, reached through a caching REST client.
 */
public final class SchemaRegistries {

    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistries() {
    }

    /**
     * Connects to the registry at {@code url}. {@code basicAuthUserInfo} ({@code user:password}, or null) wins
     * over user info embedded in the URL ({@code http://user:password@host:port}).
     *
     * @throws IllegalArgumentException when {@code url} is empty or not usable, saying what is wrong
     */
    public static SchemaRegistry connect(String url, String basicAuthUserInfo) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("The schema registry URL is empty; give http(s)://host:port "
                    + "(several separated by commas) or mock://<scope> for an in-memory registry.");
        }
        String trimmed = url.strip();
        if (trimmed.regionMatches(true, 0, MOCK_SCHEME, 0, MOCK_SCHEME.length())) {
            return InMemorySchemaRegistry.forScope(trimmed.substring(MOCK_SCHEME.length()));
        }
        return new CachingSchemaRegistry(RestSchemaRegistryClient.forUrls(trimmed, basicAuthUserInfo));
    }
}
