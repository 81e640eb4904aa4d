package dev.stitch.stream.timeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The users due at a check are those whose oldest waiting event arrived by then, oldest first. */
class WaitingUsersTest {

    @Test
    void findsTheUsersDueOldestFirstAndFollowsEachOnesOldestArrival() {
        WaitingUsers users = new WaitingUsers();
        users.add("carol", 300);
        users.add("alice", 100);
        users.add("bob", 100);
        users.add("alice", 50);
        users.add("carol", 400);

        assertThat(users.arrivedUpTo(49)).isEmpty();
        assertThat(users.arrivedUpTo(100)).containsExactly("alice", "bob");
        assertThat(users.arrivedUpTo(Long.MAX_VALUE)).containsExactly("alice", "bob", "carol");

        users.put("alice", 500);
        users.remove("bob");
        assertThat(users.arrivedUpTo(400)).containsExactly("carol");
        assertThat(users.arrivedUpTo(Long.MAX_VALUE)).containsExactly("carol", "alice");

        users.remove("carol");
        users.remove("nobody");
        assertThat(users.arrivedUpTo(Long.MAX_VALUE)).containsExactly("alice");
    }
}
