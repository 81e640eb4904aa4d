package dev.stitch.stream.console;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

class ActivityRingPropertyTest {

    @Test
    void holdsAtMostItsCapacityAndListsTheNewestInArrivalOrderReversed() {
        qt().forAll(integers().between(1, 20), lists().of(integers().between(0, 4)).ofSizeBetween(0, 60))
                .check((capacity, users) -> {
                    ActivityRing ring = new ActivityRing(capacity, 10);
                    for (int i = 0; i < users.size(); i++) {
                        ring.add(new ActivityEvent(false, "user-" + users.get(i), null, null, null, "m" + i, "track", null,
                                i, i, (long) i, false, false));
                    }
                    List<String> listed = ring.newest(ActivityFilter.ANY, null, 1000).events().stream()
                            .map(entry -> entry.event().messageId()).toList();
                    int kept = Math.min(capacity, users.size());
                    List<String> expected = new ArrayList<>();
                    for (int i = users.size() - 1; i >= users.size() - kept; i--) {
                        expected.add("m" + i);
                    }
                    return ring.size() == kept && listed.equals(expected);
                });
    }

    @Test
    void afterAnErasureNoListedEventNamesTheErasedUser() {
        qt().forAll(lists().of(integers().between(0, 3)).ofSizeBetween(1, 40), integers().between(0, 3))
                .check((users, erased) -> {
                    ActivityRing ring = new ActivityRing(30, 10);
                    for (int i = 0; i < users.size(); i++) {
                        ring.add(new ActivityEvent(false, "user-" + users.get(i), null, "anon-" + i, null, "m" + i, "track", null,
                                i, i, (long) i, false, false));
                    }
                    ring.erase("user-" + erased, "user-" + erased, users.size());
                    return ring.newest(ActivityFilter.ANY, null, 1000).events().stream()
                            .noneMatch(entry -> entry.event().names("user-" + erased));
                });
    }
}
