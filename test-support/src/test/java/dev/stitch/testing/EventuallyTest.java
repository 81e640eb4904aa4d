package dev.stitch.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventuallyTest {

    @Test
    void returnsTheFirstAnswerThatIsDone() {
        AtomicInteger asked = new AtomicInteger();

        int answer = Eventually.within(Duration.ofSeconds(10), "the third answer").every(Duration.ofMillis(1))
                .until(asked::incrementAndGet, n -> n >= 3);

        assertThat(answer).isEqualTo(3);
        assertThat(asked).hasValue(3);
    }

    @Test
    void failsNamingWhatItAwaitedAndTheLastAnswer() {
        assertThatThrownBy(() -> Eventually.within(Duration.ofMillis(200), "a count of 5").every(Duration.ofMillis(10))
                .until(() -> 4, n -> n == 5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a count of 5")
                .hasMessageEndingWith("last seen: 4");
    }

    @Test
    void anAssertionThatNeverPassesFailsWithItsOwnMessage() {
        assertThatThrownBy(() -> Eventually.within(Duration.ofMillis(200), "the list to fill").every(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(List.of()).as("the list").isNotEmpty()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the list to fill")
                .hasMessageContaining("[the list]");
    }

    @Test
    void anAssertionThatPassesEndsTheWait() {
        AtomicInteger asked = new AtomicInteger();

        Eventually.within(Duration.ofSeconds(10), "the second try").every(Duration.ofMillis(1))
                .untilAsserted(() -> assertThat(asked.incrementAndGet()).isGreaterThanOrEqualTo(2));

        assertThat(asked).hasValue(2);
    }

    @Test
    void aProbeThatFailsEndsTheWaitWithItsFailure() {
        AtomicInteger asked = new AtomicInteger();

        assertThatThrownBy(() -> Eventually.within(Duration.ofSeconds(10), "an answer that is never wrong").every(Duration.ofMillis(1))
                .until(() -> {
                    asked.incrementAndGet();
                    throw new AssertionError("a wrong answer");
                }, answer -> false))
                .hasMessageContaining("a wrong answer");
        assertThat(asked).hasValue(1);
    }
}
