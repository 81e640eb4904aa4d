package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stitch.schema.SegmentEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client against the server in front of an in-memory registry: both ends of the embedded mode. */
class RegistryHttpServerTest {

    private static final Schema CUSTOMER_V1 = SchemaBuilder.record("Customer").namespace("dev.stitch.test").fields()
            .requiredString("name")
            .endRecord();
    private static final Schema CUSTOMER_WITH_OPTIONAL_EMAIL = SchemaBuilder.record("Customer").namespace("dev.stitch.test")
            .fields()
            .requiredString("name")
            .optionalString("email")
            .endRecord();
    private static final Schema CUSTOMER_WITH_REQUIRED_AGE = SchemaBuilder.record("Customer").namespace("dev.stitch.test")
            .fields()
            .requiredString("name")
            .requiredInt("age")
            .endRecord();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry backing = new InMemorySchemaRegistry();
    private final RegistryHttpServer server = RegistryHttpServer.start(backing, "127.0.0.1", 0);
    private final RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrls(server.url(), null);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void urlNamesTheBoundPort() {
        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    @Test
    void registeringTheSameSchemaAgainGivesTheSameIdAndANewSchemaTheNextOne() {
        int first = client.register("customers-value", CUSTOMER_V1);
        int again = client.register("customers-value", CUSTOMER_V1);
        int evolved = client.register("customers-value", CUSTOMER_WITH_OPTIONAL_EMAIL);

        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(1);
        assertThat(evolved).isEqualTo(2);
        assertThat(backing.latest("customers-value").version()).isEqualTo(2);
    }

    @Test
    void schemaByIdReturnsTheRegisteredSchema() {
        int id = client.register("segment.raw-value", SegmentEvent.getClassSchema());

        assertThat(client.schemaById(id)).isEqualTo(SegmentEvent.getClassSchema());
    }

    @Test
    void latestReturnsSubjectIdVersionAndSchema() {
        client.register("customers-value", CUSTOMER_V1);
        int id = client.register("customers-value", CUSTOMER_WITH_OPTIONAL_EMAIL);

        assertThat(client.latest("customers-value"))
                .isEqualTo(new RegisteredSchema("customers-value", id, 2, CUSTOMER_WITH_OPTIONAL_EMAIL));
    }

    @Test
    void compatibilityAcceptsAnOptionalNewFieldAndRefusesARequiredOne() {
        client.register("customers-value", CUSTOMER_V1);

        assertThat(client.isCompatible("customers-value", CUSTOMER_WITH_OPTIONAL_EMAIL)).isTrue();
        assertThat(client.isCompatible("customers-value", CUSTOMER_WITH_REQUIRED_AGE)).isFalse();
        assertThat(client.isCompatible("nobody-value", CUSTOMER_WITH_REQUIRED_AGE)).isTrue();
    }

    @Test
    void registeringAnIncompatibleSchemaIsRefusedWith409() {
        client.register("customers-value", CUSTOMER_V1);

        assertThatThrownBy(() -> client.register("customers-value", CUSTOMER_WITH_REQUIRED_AGE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.registryMessage()).contains("customers-value").contains("age");
                });
    }

    @Test
    void latestOfAnUnknownSubjectIsSubjectNotFound() {
        assertThatThrownBy(() -> client.latest("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40401);
                    assertThat(e.registryMessage()).isEqualTo("Subject 'nobody-value' not found.");
                });
    }

    @Test
    void anUnknownIdIsSchemaNotFound() {
        assertThatThrownBy(() -> client.schemaById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40403);
                });
    }

    @Test
    void subjectsWithSpacesSlashesAndPlusSignsKeepTheirNames() {
        client.register("a b/c+d-value", CUSTOMER_V1);

        assertThat(client.subjects()).containsExactly("a b/c+d-value");
        assertThat(client.latest("a b/c+d-value").subject()).isEqualTo("a b/c+d-value");
    }

    @Test
    void subjectsListsEverySubjectAsAJsonArray() throws Exception {
        client.register("b-value", CUSTOMER_V1);
        client.register("a-key", CUSTOMER_V1);

        HttpResponse<String> response = send("GET", "/subjects", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("[\"a-key\",\"b-value\"]"));
    }

    @Test
    void anInvalidSchemaIsRefusedWith42201() throws Exception {
        HttpResponse<String> response = send("POST", "/subjects/x-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nonsense\\\"}\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(errorCode(response)).isEqualTo(42201);
    }

    @Test
    void aBodyWithoutASchemaFieldIsRefusedWith42201() throws Exception {
        HttpResponse<String> response = send("POST", "/subjects/x-value/versions", "{\"schemaa\":\"\\\"string\\\"\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(errorCode(response)).isEqualTo(42201);
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequest() throws Exception {
        HttpResponse<String> response = send("POST", "/subjects/x-value/versions", "schema please");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo(400);
    }

    @Test
    void aSchemaTypeOtherThanAvroIsRefused() throws Exception {
        HttpResponse<String> response = send("POST", "/subjects/x-value/versions",
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("Only AVRO");
    }

    @Test
    void anUnknownPathIsNotFound() throws Exception {
        HttpResponse<String> response = send("GET", "/config", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(errorCode(response)).isEqualTo(404);
    }

    @Test
    void aKnownPathAskedWithTheWrongMethodIsMethodNotAllowed() throws Exception {
        HttpResponse<String> response = send("DELETE", "/subjects/x-value/versions/latest", null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(errorCode(response)).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aSerdeThroughTheServerWritesWhatAnotherClientReads() {
        SegmentEvent event = TestRecords.segmentEvent("m-http");
        AvroSerde<SegmentEvent> writer = new AvroSerde<>(SegmentEvent.class, SchemaRegistries.connect(server.url(), null));
        AvroSerde<SegmentEvent> reader = new AvroSerde<>(SegmentEvent.class, SchemaRegistries.connect(server.url(), null));

        byte[] bytes = writer.serializer().serialize("segment.raw", event);

        assertThat(reader.deserializer().deserialize("segment.raw", bytes)).isEqualTo(event);
        assertThat(backing.subjects()).containsExactly("segment.raw-value");
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int errorCode(HttpResponse<String> response) throws IOException {
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("message").asText()).isNotBlank();
        return error.get("error_code").asInt();
    }
}
