package dev.stitch.config;

/**
 * Where Kafka and the Schema Registry are, as every runnable part reads it: {@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code SCHEMA_REGISTRY_URL} (required with it) and {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}.
 *
 * @param bootstrapServers  null when unset: the launcher then runs its embedded Kafka
 * @param schemaRegistryUrl null when unset
 * @param registryUserInfo  basic-auth "user:password" for the registry, or null
 */
public record KafkaConnection(String bootstrapServers, String schemaRegistryUrl, String registryUserInfo) {

    /** Reads the three variables; a bootstrap address without a registry is recorded as a problem. */
    public static KafkaConnection read(EnvironmentReader read) {
        String bootstrap = read.text("KAFKA_BOOTSTRAP_SERVERS");
        String registryUrl = read.text("SCHEMA_REGISTRY_URL");
        if (bootstrap != null && registryUrl == null) {
            read.problem("SCHEMA_REGISTRY_URL is required with KAFKA_BOOTSTRAP_SERVERS (for example http://schema-registry:8081, "
                    + "or mock://<scope> for an in-memory registry); unset KAFKA_BOOTSTRAP_SERVERS to run the embedded default");
        }
        return new KafkaConnection(bootstrap, registryUrl, read.text("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"));
    }
}
