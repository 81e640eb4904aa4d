package dev.stitch.stream.timeline;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.stream.config.ProfileBounds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Merges an identify call's traits into a profile's and keeps them within the profile's bounds: per
 * trait, the value of the latest event time wins (a late identify does not overwrite a newer value);
 * beyond the number of traits or their bytes, the traits set at the oldest event time go first, so the
 * newest are kept whatever a client sends.
 */
final class BoundedTraits {

    /** The order traits leave a full profile in: oldest set first; of the same time, the names sorting last. */
    private static final Comparator<Map.Entry<String, TraitValue>> LEAVING_FIRST =
            Comparator.<Map.Entry<String, TraitValue>>comparingLong(trait -> trait.getValue().getSetAt())
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder());

    private final int maxTraits;
    private final long maxBytes;

    BoundedTraits(ProfileBounds bounds) {
        this.maxTraits = bounds.maxTraits();
        this.maxBytes = bounds.maxTraitBytes();
    }

    /** What one merge did: whether the traits changed, and how many traits the bounds dropped. */
    record Merged(boolean changed, int dropped) {
    }

    /**
     * Merges {@code incoming} (trait name to its JSON value), set at event time {@code setAt}, into
     * {@code traits}, in place.
     */
    Merged merge(Map<String, TraitValue> traits, Map<String, String> incoming, long setAt) {
        boolean changed = false;
        int dropped = 0;
        for (Map.Entry<String, String> trait : incoming.entrySet()) {
            TraitValue current = traits.get(trait.getKey());
            if (current != null && current.getSetAt() > setAt) {
                continue;
            }
            if (bytes(trait.getKey(), trait.getValue()) > maxBytes) {
                // It could never fit: the older value (if any) stays, and the drop is counted.
                dropped++;
                continue;
            }
            traits.put(trait.getKey(), new TraitValue(trait.getValue(), setAt));
            changed = true;
        }
        dropped += enforce(traits);
        return new Merged(changed || dropped > 0, dropped);
    }

    /** The bytes a trait counts for against the bound: its name and JSON value, in UTF-8. */
    static long bytes(String name, String json) {
        return utf8Length(name) + utf8Length(json);
    }

    /** The bytes of all traits, as the bound counts them. */
    static long bytes(Map<String, TraitValue> traits) {
        long total = 0;
        for (Map.Entry<String, TraitValue> trait : traits.entrySet()) {
            total += bytes(trait.getKey(), trait.getValue().getJson());
        }
        return total;
    }

    private int enforce(Map<String, TraitValue> traits) {
        long bytes = bytes(traits);
        if (traits.size() <= maxTraits && bytes <= maxBytes) {
            return 0;
        }
        List<Map.Entry<String, TraitValue>> leaving = new ArrayList<>(traits.entrySet());
        leaving.sort(LEAVING_FIRST);
        int dropped = 0;
        for (Map.Entry<String, TraitValue> trait : leaving) {
            if (traits.size() - dropped <= maxTraits && bytes <= maxBytes) {
                break;
            }
            bytes -= bytes(trait.getKey(), trait.getValue().getJson());
            dropped++;
        }
        for (int i = 0; i < dropped; i++) {
            traits.remove(leaving.get(i).getKey());
        }
        return dropped;
    }

    private static long utf8Length(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
