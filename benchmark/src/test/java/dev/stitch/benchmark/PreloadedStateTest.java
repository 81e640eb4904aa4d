package dev.stitch.benchmark;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreloadedStateTest {

    private static final List<String> IDS = List.of("stored-usr_1f", "stored-0b6e1c2a-7d3f-4e5a-9c1b-2f8e7d6c5b4a",
            "usr_4c1d9e0f2a3b", "", "ü-ñ-日本", "x".repeat(256));

    @Test
    void linkKeysAreTheOnesTheStreamApplicationWritesForAUsersGrant() throws Exception {
        // LinkKey is the stream application's own, package-private: read through reflection so that a
        // change of its format fails here rather than leaving the stored grants unread.
        Method streamKey = Class.forName("dev.stitch.stream.identity.LinkKey").getDeclaredMethod("of", String.class, String.class);
        streamKey.setAccessible(true);
        for (String user : IDS) {
            for (String anonymous : IDS) {
                assertThat(PreloadedState.linkKey(user, anonymous)).isEqualTo(((Bytes) streamKey.invoke(null, user, anonymous)).get());
            }
        }
    }

    @Test
    void keysGoToThePartitionTheProducersDefaultPartitionerPicks() {
        for (int partitions = 1; partitions <= 12; partitions++) {
            for (String id : IDS) {
                assertThat(PreloadedState.partitionOf(id, partitions))
                        .isEqualTo(BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
