package dev.stitch.stream.state;

import dev.stitch.schema.internal.UserState;
import dev.stitch.schema.internal.WaitingEvent;

import java.util.ArrayList;

/** A user's state as the {@link Catalogue#USER_STATE_STORE} keeps it decoded. */
public final class UserStateValues implements DecodedValues<UserState> {

    /** The record, its strings' characters and one object per waiting event, roughly. */
    private static final int RECORD_BYTES = 120;
    private static final int WAITING_EVENT_BYTES = 80;

    /** The wire header, five numbers, a flag, the latest messageId's length and the list's two block markers. */
    private static final int ENCODED_FIXED_BYTES = 5 + 5 * 10 + 1 + 5 + 2 * 10;
    /** Two numbers and the messageId's length. */
    private static final int ENCODED_WAITING_EVENT_BYTES = 2 * 10 + 5;

    @Override
    public UserState copy(UserState state) {
        return new UserState(state.getLastSequence(), state.getMaxEventTime(), state.getMaxMessageId(), state.getFirstSeen(),
                state.getLastSeen(), state.getEventCount(), state.getErased(), new ArrayList<>(state.getWaiting()));
    }

    @Override
    public int estimatedBytes(UserState state) {
        int bytes = RECORD_BYTES + 2 * state.getMaxMessageId().length();
        for (WaitingEvent event : state.getWaiting()) {
            bytes += WAITING_EVENT_BYTES + 2 * event.getMessageId().length();
        }
        return bytes;
    }

    @Override
    public long maxEncodedBytes(UserState state) {
        long bytes = ENCODED_FIXED_BYTES + 3L * state.getMaxMessageId().length();
        for (WaitingEvent event : state.getWaiting()) {
            bytes += ENCODED_WAITING_EVENT_BYTES + 3L * event.getMessageId().length();
        }
        return bytes;
    }
}
