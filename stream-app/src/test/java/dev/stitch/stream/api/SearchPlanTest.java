package dev.stitch.stream.api;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A search's parts are partitions: each read once, from its best copy that has not failed, or the plan is incomplete. */
class SearchPlanTest {

    private static final HostInfo SELF = new HostInfo("a", 1);
    private static final HostInfo B = new HostInfo("b", 1);
    private static final HostInfo C = new HostInfo("c", 1);

    /** Two stores of three partitions: 0 active here, 1 active on B with a standby here, 2 active on C with a standby on B. */
    private static final Map<String, List<KeyReplicas>> STORES = stores();

    @Test
    void everyPartitionIsReadOnceFromItsActiveCopy() {
        SearchPlan plan = SearchPlan.of(STORES, SELF, Set.of());

        assertThat(plan.complete()).isTrue();
        assertThat(plan.anyStandby()).isFalse();
        assertThat(plan.parts().keySet()).containsExactly(SELF, B, C);
        assertThat(plan.parts().get(SELF).header()).isEqualTo("identities=0;user-state=0");
        assertThat(plan.parts().get(B).header()).isEqualTo("identities=1;user-state=1");
        assertThat(plan.parts().get(C).header()).isEqualTo("identities=2;user-state=2");
    }

    @Test
    void theCopiesOfAFailedInstanceGoToTheirStandbys() {
        Set<SearchPlan.Copy> failed = new HashSet<>();
        failed.addAll(SearchPlan.copiesOf(B, SearchPlan.of(STORES, SELF, Set.of()).parts().get(B)));
        failed.addAll(SearchPlan.copiesOf(C, SearchPlan.of(STORES, SELF, Set.of()).parts().get(C)));

        SearchPlan plan = SearchPlan.of(STORES, SELF, failed);

        assertThat(plan.complete()).isTrue();
        assertThat(plan.anyStandby()).isTrue();
        assertThat(plan.parts().get(SELF).header())
                .isEqualTo("identities=0,1s;user-state=0,1s");
        assertThat(plan.parts().get(B).header()).isEqualTo("identities=2s;user-state=2s");
        assertThat(plan.parts()).doesNotContainKey(C);
    }

    @Test
    void oneFailedCopyMovesOnlyThatPartition() {
        SearchPlan plan = SearchPlan.of(STORES, SELF, Set.of(new SearchPlan.Copy(C, "identities", 2)));

        assertThat(plan.parts().get(B).header()).isEqualTo("identities=1,2s;user-state=1");
        assertThat(plan.parts().get(C).header()).isEqualTo("user-state=2");
    }

    @Test
    void aPartitionWithNoCopyLeftMakesThePlanIncompleteNamingIt() {
        SearchPlan plan = SearchPlan.of(STORES, SELF, Set.of(new SearchPlan.Copy(C, "user-state", 2),
                new SearchPlan.Copy(B, "user-state", 2)));

        assertThat(plan.complete()).isFalse();
        assertThat(plan.unreadable()).containsExactly("partition 2 of user-state");
    }

    @Test
    void aPartitionNoInstanceHoldsMakesThePlanIncomplete() {
        SearchPlan plan = SearchPlan.of(Map.of("identities", List.of(new KeyReplicas(0, SELF, Set.of()),
                new KeyReplicas(1, null, Set.of()))), SELF, Set.of());

        assertThat(plan.unreadable()).containsExactly("partition 1 of identities");
    }

    private static Map<String, List<KeyReplicas>> stores() {
        Map<String, List<KeyReplicas>> stores = new LinkedHashMap<>();
        for (String store : List.of("identities", "user-state")) {
            stores.put(store, List.of(new KeyReplicas(0, SELF, Set.of(B)), new KeyReplicas(1, B, Set.of(SELF)),
                    new KeyReplicas(2, C, Set.of(B))));
        }
        return stores;
    }
}
