package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class UsersByTraitKeyTest {

    @Test
    void readsBackWhatItWasMadeOfWhateverTheCharacters() {
        Bytes key = UsersByTraitKey.of("é@例え.jp", "e mail", "user/1 ✓");

        assertThat(UsersByTraitKey.read(key)).isEqualTo(new UsersByTraitKey.Entry("é@例え.jp", "e mail", "user/1 ✓"));
    }

    @Test
    void aValuesPrefixCatchesItUnderEveryNameAndNeverAValueThatExtendsIt() {
        Bytes value = UsersByTraitKey.prefix("pro");
        Bytes valueAndName = UsersByTraitKey.prefix("pro", "plan");

        assertThat(startsWith(UsersByTraitKey.of("pro", "plan", "u1"), value)).isTrue();
        assertThat(startsWith(UsersByTraitKey.of("pro", "tier", "u1"), value)).isTrue();
        assertThat(startsWith(UsersByTraitKey.of("pro", "plan", "u1"), valueAndName)).isTrue();
        assertThat(startsWith(UsersByTraitKey.of("pro", "planet", "u1"), valueAndName)).isFalse();
        assertThat(startsWith(UsersByTraitKey.of("profile", "plan", "u1"), value)).isFalse();
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        byte[] k = key.get();
        byte[] p = prefix.get();
        return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
    }
}
