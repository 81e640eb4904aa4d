package dev.stitch.events;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Values that look like ids but are not identities: what broken integrations send when they have no
 * id ("undefined", "null", "0", a zero UUID...). Compared trimmed and case-insensitively; blank is
 * always junk.
 */
public final class JunkIds {

    /** The default list (docs/architecture.md#junk-ids); a setting may replace it. */
    public static final List<String> DEFAULT_VALUES = List.of(
            "null", "undefined", "none", "nil", "nan", "anonymous", "guest", "unknown", "n/a",
            "0", "-1", "true", "false", "[object object]", "00000000-0000-0000-0000-000000000000");

    private final Set<String> junk;

    private JunkIds(Set<String> junk) {
        this.junk = junk;
    }

    public static JunkIds defaults() {
        return of(DEFAULT_VALUES);
    }

    public static JunkIds of(Collection<String> values) {
        return new JunkIds(values.stream().map(JunkIds::normalise).collect(Collectors.toUnmodifiableSet()));
    }

    /** The id itself when it is a usable identity, else null. */
    public String usableOrNull(CharSequence id) {
        if (id == null) {
            return null;
        }
        String value = id.toString();
        return value.isBlank() || junk.contains(normalise(value)) ? null : value;
    }

    public Set<String> values() {
        return junk;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JunkIds that && junk.equals(that.junk);
    }

    @Override
    public int hashCode() {
        return junk.hashCode();
    }

    @Override
    public String toString() {
        return "JunkIds" + junk;
    }

    private static String normalise(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }
}
