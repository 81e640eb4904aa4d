package dev.stitch.events;

/** A Segment event that cannot be accepted, naming the field at fault. */
public final class InvalidEventException extends RuntimeException {

    private final String field;

    public InvalidEventException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The JSON field at fault, or null when the event as a whole is. */
    public String field() {
        return field;
    }
}
