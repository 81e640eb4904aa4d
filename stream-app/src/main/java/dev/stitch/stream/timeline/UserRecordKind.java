package dev.stitch.stream.timeline;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a record on its way to the timeline stage holds, named by its {@code stitch.record} header, so the
 * stage tells the kinds apart without decoding anything: events and identity changes share the
 * events-by-user repartition, and moved events come from the user-moves topic.
 */
public enum UserRecordKind {

    /** An encoded TimelineEvent for its user's timeline, with its order headers. */
    EVENT((byte) 'e'),
    /** An encoded IdentityChange that concerns the user. */
    IDENTITY_CHANGE((byte) 'c'),
    /** An encoded TimelineEvent, with its order headers, moving from a user id merged into the user (R8). */
    MOVED_EVENT((byte) 'm'),
    /** An encoded StitchedEvents: the history one link stitches onto the user (R2), each event with its sort key. */
    STITCHED_HISTORY((byte) 'h');

    static final String HEADER = "stitch.record";

    private final byte marker;

    UserRecordKind(byte marker) {
        this.marker = marker;
    }

    /** Marks the headers as holding this kind, in place of any kind they held. */
    public Headers mark(Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, new byte[]{marker});
        return headers;
    }

    /**
     * The kind the headers name, else null. A record without the header but with an event's order headers
     * is an event written before every record carried its kind.
     */
    static UserRecordKind of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null) {
            return OrderHeaders.readable(headers) ? EVENT : null;
        }
        byte[] value = header.value();
        if (value == null || value.length != 1) {
            return null;
        }
        for (UserRecordKind kind : values()) {
            if (kind.marker == value[0]) {
                return kind;
            }
        }
        return null;
    }
}
