package dev.stitch.stream.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The profile bounds read from the environment: defaults, values, and every wrong one named. */
class ProfileSettingsTest {

    @Test
    void boundsAProfileBy200Traits64KbOfThemAnd100IdsListedOfEachKindByDefault() {
        ProfileBounds bounds = AppConfig.fromEnvironment(Map.of()).settings().profileBounds();

        assertThat(bounds).isEqualTo(new ProfileBounds(200, 65_536, 100, 100));
        assertThat(bounds).isEqualTo(ProfileBounds.defaults());
    }

    @Test
    void readsTheProfileBounds() {
        ProfileBounds bounds = AppConfig.fromEnvironment(Map.of(
                "STITCH_PROFILE_MAX_TRAITS", "50",
                "STITCH_PROFILE_MAX_TRAIT_BYTES", "16kb",
                "STITCH_PROFILE_LISTED_ANONYMOUS_IDS", "20",
                "STITCH_PROFILE_LISTED_MERGED_IDS", "0")).settings().profileBounds();

        assertThat(bounds).isEqualTo(new ProfileBounds(50, 16_384, 20, 0));
    }

    @Test
    void namesEveryProfileBoundOutOfItsRange() {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of(
                "STITCH_PROFILE_MAX_TRAITS", "0",
                "STITCH_PROFILE_MAX_TRAIT_BYTES", "1mb",
                "STITCH_PROFILE_LISTED_ANONYMOUS_IDS", "201",
                "STITCH_PROFILE_LISTED_MERGED_IDS", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STITCH_PROFILE_MAX_TRAITS=\"0\" is not valid: expected a whole number from 1 to 10000")
                .hasMessageContaining("STITCH_PROFILE_MAX_TRAIT_BYTES must be from 1 byte to 256kb, not 1048576 bytes")
                .hasMessageContaining("STITCH_PROFILE_LISTED_ANONYMOUS_IDS=\"201\" is not valid: expected a whole number from 0 to 200")
                .hasMessageContaining("STITCH_PROFILE_LISTED_MERGED_IDS=\"-1\" is not valid");
    }
}
