package dev.stitch.stream.api;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule of where a key is read: the active copy first, then the standbys, this instance's before others'. */
class KeyReplicasTest {

    private static final HostInfo SELF = new HostInfo("a", 1);
    private static final HostInfo B = new HostInfo("b", 1);
    private static final HostInfo C = new HostInfo("c", 1);
    private static final HostInfo D = new HostInfo("d", 1);

    @Test
    void theActiveHereComesFirstThenTheStandbyInstances() {
        assertThat(new KeyReplicas(3, SELF, Set.of(C, B)).places(SELF, false)).containsExactly(
                new Location.Local(3), new Location.RemoteStandby("b", 1), new Location.RemoteStandby("c", 1));
    }

    @Test
    void theActiveInstanceComesBeforeTheStandbyHereWhichComesBeforeOtherStandbys() {
        assertThat(new KeyReplicas(2, B, Set.of(D, SELF, C)).places(SELF, false)).containsExactly(
                new Location.Remote("b", 1), new Location.LocalStandby(2),
                new Location.RemoteStandby("c", 1), new Location.RemoteStandby("d", 1));
    }

    @Test
    void withoutAnActiveTheStandbysAreAllThereIs() {
        assertThat(new KeyReplicas(0, null, Set.of(B)).places(SELF, false)).containsExactly(new Location.RemoteStandby("b", 1));
        assertThat(new KeyReplicas(0, null, Set.of()).places(SELF, false)).isEmpty();
    }

    @Test
    void aForwardedRequestIsReadOnlyFromTheCopiesHere() {
        assertThat(new KeyReplicas(1, B, Set.of(SELF, C)).places(SELF, true)).containsExactly(new Location.LocalStandby(1));
        assertThat(new KeyReplicas(1, SELF, Set.of(B)).places(SELF, true)).containsExactly(new Location.Local(1));
        assertThat(new KeyReplicas(1, B, Set.of(C)).places(SELF, true)).isEmpty();
    }
}
