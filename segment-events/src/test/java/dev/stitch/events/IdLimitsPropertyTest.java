package dev.stitch.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

/** Properties of {@link IdLimits}, checked on generated values (QuickTheories shrinks a failure to its smallest case). */
class IdLimitsPropertyTest {

    @Test
    void anIdIsTooLongExactlyWhenItHasMoreCharactersThanTheLimit() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 64), integers().between(1, 40))
                .check((id, limit) -> new IdLimits(limit).tooLong(id) == (id.length() > limit));
    }

    @Test
    void anAbsentIdIsNeverTooLong() {
        qt().forAll(integers().between(1, 1_000)).check(limit -> !new IdLimits(limit).tooLong(null));
        assertThat(IdLimits.defaults().maxLength()).isEqualTo(IdLimits.DEFAULT_MAX_LENGTH);
    }
}
