package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchemaRegistriesTest {

    @Test
    void aMockUrlGivesTheScopesSharedInMemoryRegistryUnwrapped() {
        String scope = "factory-" + UUID.randomUUID();
        try {
            assertThat(SchemaRegistries.connect("mock://" + scope, null)).isSameAs(InMemorySchemaRegistry.forScope(scope));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void anHttpUrlGivesACachingRestClient() {
        assertThat(SchemaRegistries.connect("http://registry:8081", null)).isInstanceOf(CachingSchemaRegistry.class);
    }

    @Test
    void anEmptyUrlIsRefusedSayingWhatToGive() {
        assertThatThrownBy(() -> SchemaRegistries.connect(" ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mock://<scope>");
    }

    @Test
    void aMockUrlWithoutAScopeIsRefused() {
        assertThatThrownBy(() -> SchemaRegistries.connect("mock://", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope");
    }

    @Test
    void urlsAreSplitOnCommasAndLoseTheirUserInfo() {
        RegistryUrls urls = RegistryUrls.parse(" http://u:p@sr1:8081 , https://u:p@sr2:8081/prefix,");

        assertThat(urls.baseUrls()).containsExactly(URI.create("http://sr1:8081"), URI.create("https://sr2:8081/prefix"));
        assertThat(urls.userInfo()).isEqualTo("u:p");
        assertThat(urls.toString()).doesNotContain("u:p");
    }

    @Test
    void urlsCarryingDifferentCredentialsAreRefused() {
        assertThatThrownBy(() -> RegistryUrls.parse("http://a:1@sr1:8081,http://b:2@sr2:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different user info");
    }

    @Test
    void aUrlOfAnotherSchemeIsRefusedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> RegistryUrls.parse("ftp://admin:hunter2@sr1:21"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)://host:port")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void userInfoWithoutAColonIsRefused() {
        assertThatThrownBy(() -> SchemaRegistries.connect("http://sr1:8081", "just-a-user"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user:password");
    }
}
