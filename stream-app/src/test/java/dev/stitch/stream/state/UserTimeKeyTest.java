package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UserTimeKeyTest {

    @Test
    void sortsOneIdsKeysByTimeThenMessageIdNegativeTimesIncluded() {
        List<Bytes> keys = new ArrayList<>(List.of(
                UserTimeKey.of("u", 5, "b"), UserTimeKey.of("u", -3, "z"), UserTimeKey.of("u", 5, "a"),
                UserTimeKey.of("u", 1_700_000_000_000L, "a"), UserTimeKey.of("u", 0, "a")));
        keys.sort(Bytes::compareTo);

        assertThat(keys).extracting(UserTimeKey::time).containsExactly(-3L, 0L, 5L, 5L, 1_700_000_000_000L);
        assertThat(keys.get(2)).isEqualTo(UserTimeKey.of("u", 5, "a"));
    }

    @Test
    void keepsAnIdsRangeApartFromAnIdThatExtendsIt() {
        Bytes prefix = UserTimeKey.prefix("user-1");

        assertThat(startsWith(UserTimeKey.of("user-1", 7, "m"), prefix)).isTrue();
        assertThat(startsWith(UserTimeKey.of("user-10", 7, "m"), prefix)).isFalse();
        assertThat(UserTimeKey.id(UserTimeKey.of("user-10", 7, "m"))).isEqualTo("user-10");
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        byte[] k = key.get();
        byte[] p = prefix.get();
        if (k.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (k[i] != p[i]) {
                return false;
            }
        }
        return true;
    }
}
