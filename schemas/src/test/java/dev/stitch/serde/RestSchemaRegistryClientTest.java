package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stitch.schema.SegmentEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Schema SCHEMA = SegmentEvent.getClassSchema();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StubRegistryServer stub = StubRegistryServer.start();
    private final StubRegistryServer secondStub = StubRegistryServer.start();

    @AfterEach
    void stopStubs() {
        stub.close();
        secondStub.close();
    }

    @Test
    void registerPostsTheSchemaAsAJsonStringToTheSubjectsVersionsAndReturnsTheId() throws IOException {
        stub.respond("POST", "/subjects/segment.raw-value/versions", 200, "{\"id\":21}");

        int id = client(null).register("segment.raw-value", SCHEMA);

        assertThat(id).isEqualTo(21);
        StubRegistryServer.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/subjects/segment.raw-value/versions");
        assertThat(request.contentType()).isEqualTo(MEDIA_TYPE);
        assertThat(request.accept()).isEqualTo(MEDIA_TYPE);
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.createObjectNode().put("schema", SCHEMA.toString()));
    }

    @Test
    void schemaByIdGetsSchemasIdsAndParsesTheSchema() {
        stub.respond("GET", "/schemas/ids/21", 200, JSON.createObjectNode().put("schema", SCHEMA.toString()).toString());

        Schema schema = client(null).schemaById(21);

        assertThat(schema).isEqualTo(SCHEMA);
        StubRegistryServer.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo("/schemas/ids/21");
        assertThat(request.accept()).isEqualTo(MEDIA_TYPE);
        assertThat(request.body()).isEmpty();
    }

    @Test
    void latestGetsTheSubjectsLatestVersion() {
        stub.respond("GET", "/subjects/segment.raw-value/versions/latest", 200, JSON.createObjectNode()
                .put("subject", "segment.raw-value").put("id", 21).put("version", 3).put("schema", SCHEMA.toString()).toString());

        RegisteredSchema latest = client(null).latest("segment.raw-value");

        assertThat(latest).isEqualTo(new RegisteredSchema("segment.raw-value", 21, 3, SCHEMA));
        assertThat(stub.requests().get(0).method()).isEqualTo("GET");
    }

    @Test
    void isCompatiblePostsTheSchemaToTheCompatibilityEndpointOfTheLatestVersion() throws IOException {
        stub.respond("POST", "/compatibility/subjects/segment.raw-value/versions/latest", 200, "{\"is_compatible\":false}");

        boolean compatible = client(null).isCompatible("segment.raw-value", SCHEMA);

        assertThat(compatible).isFalse();
        StubRegistryServer.Request request = stub.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo(MEDIA_TYPE);
        assertThat(JSON.readTree(request.body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
    }

    @Test
    void anySchemaIsCompatibleWithASubjectTheRegistryDoesNotKnow() {
        stub.respond("POST", "/compatibility/subjects/new-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}");

        assertThat(client(null).isCompatible("new-value", SCHEMA)).isTrue();
    }

    @Test
    void subjectsArePercentEncodedInPaths() {
        stub.respond("POST", "/subjects/a%20b%2Fc%2Bd-value/versions", 200, "{\"id\":1}");

        client(null).register("a b/c+d-value", SCHEMA);

        assertThat(stub.requests().get(0).rawPath()).isEqualTo("/subjects/a%20b%2Fc%2Bd-value/versions");
    }

    @Test
    void subjectsListsTheRegistrysSubjects() {
        stub.respond("GET", "/subjects", 200, "[\"a-value\",\"b-key\"]");

        assertThat(client(null).subjects()).containsExactly("a-value", "b-key");
    }

    @Test
    void registryErrorJsonBecomesAnExceptionWithItsStatusCodeAndMessage() {
        stub.respond("POST", "/subjects/segment.raw-value/versions", 409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");

        assertThatThrownBy(() -> client(null).register("segment.raw-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.registryMessage()).isEqualTo("Schema being registered is incompatible with an earlier schema");
                    assertThat(e).hasMessageContaining("HTTP 409, error_code 409");
                });
    }

    @Test
    void subjectNotFoundKeepsTheConfluentErrorCode() {
        stub.respond("GET", "/subjects/x-value/versions/latest", 404,
                "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}");

        assertThatThrownBy(() -> client(null).latest("x-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                    assertThat(e.registryMessage()).isEqualTo("Subject 'x-value' not found.");
                });
    }

    @Test
    void anErrorAnsweredWithoutJsonKeepsTheStatusAsItsCode() {
        stub.respond("GET", "/schemas/ids/5", 403, "<html>Forbidden by proxy</html>");

        assertThatThrownBy(() -> client(null).schemaById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errorCode()).isEqualTo(403);
                    assertThat(e.registryMessage()).contains("HTTP 403").contains("Forbidden by proxy");
                });
    }

    @Test
    void sendsBasicAuthWhenGivenUserInfo() {
        stub.respond("GET", "/subjects", 200, "[]");

        client("registry-user:s3cret:with-colon").subjects();

        assertThat(stub.requests().get(0).authorization()).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("registry-user:s3cret:with-colon".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sendsNoAuthorizationWithoutUserInfo() {
        stub.respond("GET", "/subjects", 200, "[]");

        client(null).subjects();

        assertThat(stub.requests().get(0).authorization()).isNull();
    }

    @Test
    void userInfoEmbeddedInTheUrlIsSentAsBasicAuthAndLeftOutOfTheUrl() {
        stub.respond("GET", "/subjects", 200, "[]");
        String url = "http://alice:pa%40ss@127.0.0.1:" + stub.url().getPort();

        RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrls(url, null);
        client.subjects();

        assertThat(client.baseUrls()).containsExactly(stub.url());
        assertThat(stub.requests().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:pa@ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void explicitUserInfoWinsOverUserInfoInTheUrl() {
        stub.respond("GET", "/subjects", 200, "[]");

        RestSchemaRegistryClient.forUrls("http://alice:old@127.0.0.1:" + stub.url().getPort(), "bob:new").subjects();

        assertThat(stub.requests().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("bob:new".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepsThePathOfABaseUrl() {
        stub.respond("GET", "/registry/schemas/ids/3", 200, JSON.createObjectNode().put("schema", SCHEMA.toString()).toString());

        RestSchemaRegistryClient.forUrls(stub.url() + "/registry/", null).schemaById(3);

        assertThat(stub.requests().get(0).rawPath()).isEqualTo("/registry/schemas/ids/3");
    }

    @Test
    void failsOverToTheNextUrlWhenTheFirstRefusesConnections() {
        stub.respond("GET", "/schemas/ids/3", 200, JSON.createObjectNode().put("schema", SCHEMA.toString()).toString());
        RestSchemaRegistryClient client =
                new RestSchemaRegistryClient(List.of(StubRegistryServer.closedPortUrl(), stub.url()), null);

        assertThat(client.schemaById(3)).isEqualTo(SCHEMA);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void failsOverToTheNextUrlWhenTheFirstAnswersAServerError() {
        stub.respondToEverything(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}");
        secondStub.respond("POST", "/subjects/segment.raw-value/versions", 200, "{\"id\":8}");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(stub.url(), secondStub.url()), null);

        assertThat(client.register("segment.raw-value", SCHEMA)).isEqualTo(8);
        assertThat(stub.requests()).hasSize(1);
        assertThat(secondStub.requests()).hasSize(1);
    }

    @Test
    void doesNotFailOverOnAClientError() {
        stub.respond("GET", "/schemas/ids/77", 404, "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(stub.url(), secondStub.url()), null);

        assertThatThrownBy(() -> client.schemaById(77))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThat(secondStub.requests()).isEmpty();
    }

    @Test
    void whenNoUrlAnswersTheExceptionNamesEveryOne() {
        URI closed = StubRegistryServer.closedPortUrl();
        stub.respondToEverything(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(closed, stub.url()), null);

        assertThatThrownBy(() -> client.subjects())
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(50001);
                    assertThat(e.getMessage()).contains(closed.toString()).contains(stub.url().toString())
                            .contains("Check that a registry is running");
                });
    }

    @Test
    void aSingleUrlThatRefusesConnectionsIsANoResponseError() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(StubRegistryServer.closedPortUrl()), null);

        assertThatThrownBy(() -> client.subjects())
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE));
    }

    @Test
    void cachingClientRegistersAndLooksUpEachSchemaOverHttpOnce() {
        stub.respond("POST", "/subjects/segment.raw-value/versions", 200, "{\"id\":4}");
        stub.respond("GET", "/schemas/ids/9", 200, JSON.createObjectNode().put("schema", SCHEMA.toString()).toString());
        CachingSchemaRegistry caching = new CachingSchemaRegistry(client(null));

        assertThat(caching.register("segment.raw-value", SCHEMA)).isEqualTo(4);
        assertThat(caching.register("segment.raw-value", SCHEMA)).isEqualTo(4);
        assertThat(caching.schemaById(4)).as("known from the registration").isEqualTo(SCHEMA);
        assertThat(caching.schemaById(9)).isEqualTo(SCHEMA);
        assertThat(caching.schemaById(9)).isEqualTo(SCHEMA);

        assertThat(stub.requests()).extracting(StubRegistryServer.Request::rawPath)
                .containsExactly("/subjects/segment.raw-value/versions", "/schemas/ids/9");
    }

    @Test
    void cachingClientAsksForLatestAndCompatibilityEveryTime() {
        stub.respond("POST", "/compatibility/subjects/s-value/versions/latest", 200, "{\"is_compatible\":true}");
        CachingSchemaRegistry caching = new CachingSchemaRegistry(client(null));

        caching.isCompatible("s-value", SCHEMA);
        caching.isCompatible("s-value", SCHEMA);

        assertThat(stub.requests()).hasSize(2);
    }

    private RestSchemaRegistryClient client(String userInfo) {
        return new RestSchemaRegistryClient(List.of(stub.url()), userInfo);
    }
}
