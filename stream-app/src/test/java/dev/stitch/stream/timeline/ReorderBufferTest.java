package dev.stitch.stream.timeline;

import dev.stitch.schema.internal.UserState;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The reorder buffer keeps which events wait in the users' states, so a restarted task finds them there. */
class ReorderBufferTest {

    private static final long GRACE_MS = 5_000;

    private final KeyValueStore<String, UserState> users = store("user-state", Serdes.String(),
            StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null), 1 << 20).userState());
    private final KeyValueStore<Bytes, byte[]> timelines = store("timelines", Serdes.Bytes(), Serdes.ByteArray());
    private final List<String> released = new ArrayList<>();

    @Test
    void aBufferOverTheSameStoresReleasesWhatWaitedWhenTheOldOneStopped() {
        ReorderBuffer before = new ReorderBuffer(users, timelines, GRACE_MS, 100);
        add(before, "alice", 2_000, "e2", 10_000);
        add(before, "alice", 1_000, "e1", 11_000);
        add(before, "bob", 1_000, "b1", 12_000);

        ReorderBuffer restarted = new ReorderBuffer(users, timelines, GRACE_MS, 100);
        assertThat(restarted.dueUsers(16_999)).containsExactly("alice");
        for (String userId : restarted.dueUsers(20_000)) {
            UserState state = users.get(userId);
            restarted.releaseDue(userId, state, 20_000, this::record);
            users.put(userId, state);
        }

        assertThat(released).containsExactly("alice:e1@11000", "alice:e2@10000", "bob:b1@12000");
        assertThat(users.get("alice").getWaiting()).isEmpty();
        assertThat(new ReorderBuffer(users, timelines, GRACE_MS, 100).dueUsers(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void anEventNotDueYetKeepsWaitingBehindAnEarlierDueOne() {
        ReorderBuffer buffer = new ReorderBuffer(users, timelines, GRACE_MS, 100);
        add(buffer, "alice", 1_000, "e1", 10_000);
        add(buffer, "alice", 3_000, "e3", 14_000);

        UserState state = users.get("alice");
        buffer.releaseDue("alice", state, 16_000, this::record);

        assertThat(released).containsExactly("alice:e1@10000");
        assertThat(state.getWaiting()).extracting(waiting -> waiting.getMessageId()).containsExactly("e3");
    }

    @Test
    void theBoundOnWaitingEventsLeavesHalfOfTheLargestRecordToThem() {
        RecordLimits limits = RecordLimits.defaults();
        int bound = ReorderBuffer.maxWaitingWithin(limits);
        int largestEntry = 2 * Long.BYTES + 4 * limits.ids().maxLength() + 2 * Integer.BYTES;

        assertThat((long) bound * largestEntry).isLessThanOrEqualTo(limits.maxRecordBytes() / 2);
        assertThat(bound).isGreaterThan(100);
    }

    private void add(ReorderBuffer buffer, String userId, long eventTime, String messageId, long arrival) {
        UserState state = users.get(userId);
        if (state == null) {
            state = TimelineSequencer.newUser(eventTime);
        }
        buffer.add(userId, state, eventTime, messageId, (userId + ":" + messageId).getBytes(StandardCharsets.UTF_8), arrival,
                this::record);
        users.put(userId, state);
    }

    private void record(String userId, UserState state, List<ReorderBuffer.Released> events) {
        events.forEach(event -> released.add(new String(event.encoded(), StandardCharsets.UTF_8) + "@" + event.arrival()));
    }

    private static <K, V> KeyValueStore<K, V> store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
