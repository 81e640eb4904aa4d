package dev.stitch.stream.api;

import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The copies of one partition of a store, as Kafka Streams' metadata names them, and the one rule of
 * where a read goes: the places to try, best first. The active copy is up to date, a standby may be
 * a little behind; a copy in this instance costs no hop.
 *
 * @param partition the store's partition
 * @param active    the instance that processes it; null while none does
 * @param standbys  the instances that keep a standby copy of it
 */
record KeyReplicas(int partition, HostInfo active, Set<HostInfo> standbys) {

    KeyReplicas {
        standbys = Set.copyOf(standbys);
    }

    /**
     * Where to read, best first: the active copy (here, else on its instance), then the standby copies
     * (this instance's, then the other instances' in a stable order), which answer only while the
     * active cannot. A request another instance forwarded is answered from a copy here or not at all
     * ({@code forwarded}): it is never forwarded again, so two instances cannot send it back and forth.
     */
    List<Location> places(HostInfo self, boolean forwarded) {
        List<Location> places = new ArrayList<>();
        if (self.equals(active)) {
            places.add(new Location.Local(partition));
        } else if (active != null && !forwarded) {
            places.add(new Location.Remote(active.host(), active.port()));
        }
        if (standbys.contains(self)) {
            places.add(new Location.LocalStandby(partition));
        }
        if (forwarded) {
            return places;
        }
        standbys.stream()
                .filter(host -> !host.equals(self) && !host.equals(active))
                .sorted(Comparator.comparing(HostInfo::host).thenComparingInt(HostInfo::port))
                .forEach(host -> places.add(new Location.RemoteStandby(host.host(), host.port())));
        return places;
    }
}
