package dev.stitch.stream.console;

/**
 * Which events an Events Activity page lists.
 *
 * @param type an event type ({@code page}, {@code track}, …), compared ignoring case; null for any
 * @param id   a user id or anonymous id the event names; null for any
 */
public record ActivityFilter(String type, String id) {

    public static final ActivityFilter ANY = new ActivityFilter(null, null);

    public ActivityFilter {
        type = blankToNull(type);
        id = blankToNull(id);
    }

    boolean accepts(ActivityEvent event) {
        return (type == null || type.equalsIgnoreCase(event.type())) && (id == null || event.names(id));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
