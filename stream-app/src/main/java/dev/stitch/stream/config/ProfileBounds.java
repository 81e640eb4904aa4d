package dev.stitch.stream.config;

/**
 * How much one user's profile may hold, so that no input can grow it without end: a profile is one
 * store value and one changelog record, which Kafka refuses beyond its record size (1 MB by default).
 * With the defaults and ids of at most 256 characters a profile stays under 230 KB; at the settings'
 * upper bounds, under 700 KB.
 *
 * @param maxTraits          traits kept per profile ({@code STITCH_PROFILE_MAX_TRAITS}, 200)
 * @param maxTraitBytes      bytes of trait names and JSON values kept per profile ({@code STITCH_PROFILE_MAX_TRAIT_BYTES}, 64 KB)
 * @param listedAnonymousIds anonymous ids listed per profile, the latest linked ({@code STITCH_PROFILE_LISTED_ANONYMOUS_IDS}, 100)
 * @param listedMergedIds    merged user ids listed per profile, the latest merged ({@code STITCH_PROFILE_LISTED_MERGED_IDS}, 100)
 */
public record ProfileBounds(int maxTraits, int maxTraitBytes, int listedAnonymousIds, int listedMergedIds) {

    public static final int DEFAULT_MAX_TRAITS = 200;
    public static final int DEFAULT_MAX_TRAIT_BYTES = 64 * 1024;
    public static final int DEFAULT_LISTED_IDS = 100;

    /** Upper bounds of the settings: together they keep a profile well under Kafka's default 1 MB record. */
    public static final int MAX_TRAITS_LIMIT = 10_000;
    public static final int MAX_TRAIT_BYTES_LIMIT = 256 * 1024;
    public static final int LISTED_IDS_LIMIT = 200;

    public ProfileBounds {
        check(maxTraits, 1, MAX_TRAITS_LIMIT, "STITCH_PROFILE_MAX_TRAITS");
        check(maxTraitBytes, 1, MAX_TRAIT_BYTES_LIMIT, "STITCH_PROFILE_MAX_TRAIT_BYTES");
        check(listedAnonymousIds, 0, LISTED_IDS_LIMIT, "STITCH_PROFILE_LISTED_ANONYMOUS_IDS");
        check(listedMergedIds, 0, LISTED_IDS_LIMIT, "STITCH_PROFILE_LISTED_MERGED_IDS");
    }

    public static ProfileBounds defaults() {
        return new ProfileBounds(DEFAULT_MAX_TRAITS, DEFAULT_MAX_TRAIT_BYTES, DEFAULT_LISTED_IDS, DEFAULT_LISTED_IDS);
    }

    private static void check(int value, int min, int max, String setting) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(setting + " must be from " + min + " to " + max + ", not " + value);
        }
    }
}
