package dev.stitch.bridge;

import java.util.Objects;

/**
 * One accepted write key and its kind.
 *
 * @param value the key as clients send it
 * @param kind  browser (public) or server (secret)
 */
public record WriteKey(String value, KeyKind kind) {

    public WriteKey {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(kind, "kind");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a write key cannot be blank");
        }
    }

    public static WriteKey server(String value) {
        return new WriteKey(value, KeyKind.SERVER);
    }

    public static WriteKey browser(String value) {
        return new WriteKey(value, KeyKind.BROWSER);
    }

    /** Hides the key itself. */
    @Override
    public String toString() {
        return "WriteKey[" + kind + "]";
    }
}
