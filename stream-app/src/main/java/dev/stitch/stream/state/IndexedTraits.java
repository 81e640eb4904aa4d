package dev.stitch.stream.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stitch.events.SegmentEventParser;

import java.util.Locale;

/**
 * Which trait values the users-by-trait store holds, and in what form: the same rule for the timeline
 * stage that writes the store and the query API that looks values up in it. A string, number or
 * boolean is indexed by its text (a number or boolean by its JSON text, {@code 42}, {@code true}), up
 * to the id length limit; the {@code email} trait trimmed and lower-cased, so that an email is found
 * whatever its case. Other values (objects, arrays, null) and longer ones are not indexed.
 */
public final class IndexedTraits {

    /** The trait compared case-insensitively. */
    public static final String EMAIL = "email";
    /** A JSON string escapes a character in at most six characters: a longer text is surely over the limit. */
    private static final int MAX_ESCAPE_CHARS = 6;

    private final int maxValueLength;

    /** @param maxValueLength the most characters an indexed value has ({@code STITCH_MAX_ID_LENGTH}) */
    public IndexedTraits(int maxValueLength) {
        this.maxValueLength = maxValueLength;
    }

    public int maxValueLength() {
        return maxValueLength;
    }

    /** The indexed form of a trait's value, given as its JSON text; null when the value is not indexed. */
    public String indexed(String trait, String json) {
        if (json.isEmpty() || json.length() > maxValueLength * MAX_ESCAPE_CHARS + 2) {
            return null;
        }
        char first = json.charAt(0);
        if (first == '{' || first == '[' || json.equals("null")) {
            return null;
        }
        String text = json;
        if (first == '"') {
            try {
                text = SegmentEventParser.JSON.readTree(json).asText();
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        String value = normalised(trait, text);
        return value.isEmpty() || value.length() > maxValueLength ? null : value;
    }

    /** The indexed form of a trait's value as a caller gives it, to look it up. */
    public static String normalised(String trait, String value) {
        return EMAIL.equals(trait) ? email(value) : value;
    }

    /** An email as the index holds it: trimmed and lower-cased, independent of the machine's locale. */
    public static String email(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }
}
