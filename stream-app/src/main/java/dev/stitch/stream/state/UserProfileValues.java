package dev.stitch.stream.state;

import dev.stitch.schema.internal.Campaign;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's profile as the {@link Catalogue#PROFILE_STORE} keeps it decoded: copied into plain, growable
 * collections, whether it was read back by Avro or put by the profile book.
 */
public final class UserProfileValues implements DecodedValues<UserProfile> {

    /** Objects' headers and fields, roughly: a string's characters take two bytes each on top. */
    private static final int RECORD_BYTES = 160;
    private static final int TRAIT_BYTES = 100;
    private static final int ID_BYTES = 48;
    private static final int TOUCH_BYTES = 200;

    /** The wire header, the map's and the lists' block markers, two numbers and the touches' union indexes. */
    private static final int ENCODED_FIXED_BYTES = 5 + 3 * 2 * 10 + 2 * 10 + 2 * 5;
    /** A string's length, a union's index, a number. */
    private static final int LENGTH_BYTES = 5;
    private static final int UNION_BYTES = 5;
    private static final int NUMBER_BYTES = 10;

    @Override
    public UserProfile copy(UserProfile profile) {
        return new UserProfile(new HashMap<>(profile.getTraits()), new ArrayList<>(profile.getAnonymousIds()),
                new ArrayList<>(profile.getMergedIds()), profile.getUnlistedAnonymousIds(), profile.getUnlistedMergedIds(),
                profile.getFirstTouch(), profile.getLatestTouch());
    }

    @Override
    public int estimatedBytes(UserProfile profile) {
        int bytes = RECORD_BYTES + bytesOf(profile.getFirstTouch()) + bytesOf(profile.getLatestTouch());
        for (Map.Entry<String, TraitValue> trait : profile.getTraits().entrySet()) {
            bytes += TRAIT_BYTES + 2 * (trait.getKey().length() + trait.getValue().getJson().length());
        }
        for (String id : profile.getAnonymousIds()) {
            bytes += ID_BYTES + 2 * id.length();
        }
        for (String id : profile.getMergedIds()) {
            bytes += ID_BYTES + 2 * id.length();
        }
        return bytes;
    }

    @Override
    public long maxEncodedBytes(UserProfile profile) {
        long bytes = ENCODED_FIXED_BYTES + encodedBytesOf(profile.getFirstTouch()) + encodedBytesOf(profile.getLatestTouch());
        for (Map.Entry<String, TraitValue> trait : profile.getTraits().entrySet()) {
            bytes += encoded(trait.getKey()) + encoded(trait.getValue().getJson()) + NUMBER_BYTES;
        }
        for (String id : profile.getAnonymousIds()) {
            bytes += encoded(id);
        }
        for (String id : profile.getMergedIds()) {
            bytes += encoded(id);
        }
        return bytes;
    }

    private static long encodedBytesOf(Touch touch) {
        if (touch == null) {
            return 0;
        }
        long bytes = NUMBER_BYTES + encoded(touch.getMessageId()) + UNION_BYTES
                + 3 * UNION_BYTES + encoded(touch.getReferrer()) + encoded(touch.getLandingUrl()) + encoded(touch.getLandingPath());
        Campaign campaign = touch.getCampaign();
        if (campaign != null) {
            bytes += 5 * UNION_BYTES + encoded(campaign.getSource()) + encoded(campaign.getMedium()) + encoded(campaign.getName())
                    + encoded(campaign.getTerm()) + encoded(campaign.getContent());
        }
        return bytes;
    }

    private static long encoded(String text) {
        return text == null ? 0 : LENGTH_BYTES + 3L * text.length();
    }

    private static int bytesOf(Touch touch) {
        if (touch == null) {
            return 0;
        }
        int chars = touch.getMessageId().length() + length(touch.getReferrer()) + length(touch.getLandingUrl())
                + length(touch.getLandingPath());
        Campaign campaign = touch.getCampaign();
        if (campaign != null) {
            chars += length(campaign.getSource()) + length(campaign.getMedium()) + length(campaign.getName())
                    + length(campaign.getTerm()) + length(campaign.getContent());
        }
        return TOUCH_BYTES + 2 * chars;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
