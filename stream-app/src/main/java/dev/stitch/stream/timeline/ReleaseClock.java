package dev.stitch.stream.timeline;

/**
 * The time by which waiting events come due: the task's stream time, moved on by the wall-clock time
 * since it last moved, so that events still leave on time when the input goes quiet. Only a move of
 * stream time resets the wall-clock part: a record older than stream time (a link's answer, a moved
 * event, any record that took a longer way) says nothing about how long the input has been quiet.
 */
final class ReleaseClock {

    private long streamTime;
    private long movedAtWallClock;

    ReleaseClock(long streamTime, long wallClock) {
        this.streamTime = streamTime;
        this.movedAtWallClock = wallClock;
    }

    /**
     * Takes in the task's stream time and the wall clock as they are now (a forward move of stream
     * time restarts the quiet time), and answers the release time.
     */
    long advance(long currentStreamTime, long wallClock) {
        if (currentStreamTime > streamTime) {
            streamTime = currentStreamTime;
            movedAtWallClock = wallClock;
        }
        return streamTime + Math.max(0, wallClock - movedAtWallClock);
    }
}
