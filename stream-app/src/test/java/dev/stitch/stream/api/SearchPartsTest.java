package dev.stitch.stream.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A search part's header names only the stores a search reads, each once, with whole partitions from 0, a standby's marked. */
class SearchPartsTest {

    @Test
    void readsEachItemOfTheHeader() {
        SearchParts part = SearchParts.parse("identities=3s,0;user-state=1", UserSearch.SEARCH_STORES);

        assertThat(part.of("identities")).containsExactly(java.util.Map.entry(0, Replica.ACTIVE), java.util.Map.entry(3, Replica.STANDBY));
        assertThat(part.of("user-state")).containsOnlyKeys(1);
        assertThat(part.of("users-by-trait")).isEmpty();
        assertThat(part.anyStandby()).isTrue();
    }

    @Test
    void refusesWhatIsNotStorePartitionReplicaNamingTheItem() {
        for (String header : new String[]{"", "identities", "identities=", "timelines=0", "identities=-1", "identities=x",
                "identities=9999999999", "identities=0x", "identities=0=1", "identities=0,,1", "identities=0;", "identities=0;identities=1",
                "identities=s", "identities=+1"}) {
            assertThatThrownBy(() -> SearchParts.parse(header, UserSearch.SEARCH_STORES)).as(header)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(SearchParts.HEADER + " holds '");
        }
    }
}
