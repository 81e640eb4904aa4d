package dev.stitch.stream.console;

/**
 * Where a reader of the activity ring got to: the ring's epoch (a new one each time an instance
 * starts, so a cursor from another instance or an earlier run starts over instead of hiding events)
 * and the position of the newest event it saw. Written as {@code <epoch>.<position>}.
 */
public record ActivityCursor(String epoch, long position) {

    /** @throws IllegalArgumentException when {@code text} is no cursor this API gave out */
    public static ActivityCursor parse(String text) {
        int dot = text == null ? -1 : text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1 || text.length() > 64) {
            throw new IllegalArgumentException("after must be the cursor of an earlier answer (its 'cursor' field), not '"
                    + shortened(text) + "'");
        }
        try {
            long position = Long.parseLong(text.substring(dot + 1));
            if (position < 0) {
                throw new NumberFormatException();
            }
            return new ActivityCursor(text.substring(0, dot), position);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("after must be the cursor of an earlier answer (its 'cursor' field), not '"
                    + shortened(text) + "'");
        }
    }

    @Override
    public String toString() {
        return epoch + "." + position;
    }

    private static String shortened(String text) {
        return text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
