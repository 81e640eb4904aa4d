package dev.stitch.benchmark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkOptionsTest {

    @Test
    void theLatencyPhaseRunsAtHalfTheStitchingMedianUnlessARateIsGiven() {
        BenchmarkOptions defaults = BenchmarkOptions.parse(new String[0]);
        assertThat(defaults.latencyRate(4_961)).isEqualTo(2_481);
        assertThat(defaults.latencyRate(1)).isEqualTo(1);

        BenchmarkOptions given = BenchmarkOptions.parse(new String[] {"--latency-rate=2000"});
        assertThat(given.latencyRate(4_961)).isEqualTo(2_000);
        assertThat(defaults.latencyRateBasis()).isEqualTo(" (half the stitching median)");
        assertThat(given.latencyRateBasis()).isEmpty();
    }

    @Test
    void aNegativeLatencyRateIsRefused() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--latency-rate=-5"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency-rate");
    }
}
