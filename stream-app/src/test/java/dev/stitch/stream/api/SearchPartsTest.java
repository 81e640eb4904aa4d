package dev.stitch.stream.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A search part's header names only the stores a search reads, whole partitions from 0, and active or standby. */
class SearchPartsTest {

    @Test
    void readsEachItemOfTheHeader() {
        SearchParts part = SearchParts.parse("identities:3:standby,identities:0:active,user-state:1:active", UserSearch.SEARCH_STORES);

        assertThat(part.of("identities")).containsExactly(java.util.Map.entry(0, Replica.ACTIVE), java.util.Map.entry(3, Replica.STANDBY));
        assertThat(part.of("user-state")).containsOnlyKeys(1);
        assertThat(part.of("users-by-trait")).isEmpty();
        assertThat(part.anyStandby()).isTrue();
    }

    @Test
    void refusesWhatIsNotStorePartitionReplicaNamingTheItem() {
        for (String header : new String[]{"", "identities", "identities:0", "timelines:0:active", "identities:-1:active",
                "identities:x:active", "identities:99999999999:active", "identities:0:stale", "identities:0:active:more",
                "identities:0:active,,"}) {
            assertThatThrownBy(() -> SearchParts.parse(header, UserSearch.SEARCH_STORES)).as(header)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(SearchParts.HEADER + " holds '");
        }
    }
}
