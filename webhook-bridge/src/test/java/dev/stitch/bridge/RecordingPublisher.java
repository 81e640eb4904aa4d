package dev.stitch.bridge;

import dev.stitch.schema.SegmentEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A publisher that records what it is given. By default it acknowledges at once; it can be told to
 * fail, to never answer, or to hold its answers until the test releases them.
 */
final class RecordingPublisher implements EventPublisher {

    enum Mode { ACKNOWLEDGE, FAIL, NEVER_ANSWER, HOLD }

    private final List<List<SegmentEvent>> published = new CopyOnWriteArrayList<>();
    private final List<Instant> timestamps = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ACKNOWLEDGE;
    private volatile boolean ready = true;
    private volatile boolean closed;
    private volatile Throwable failure = new IllegalStateException("the test's publisher refuses");

    void mode(Mode mode) {
        this.mode = mode;
    }

    /** Fails every publish with this cause, as Kafka's producer does. */
    void failWith(Throwable cause) {
        this.failure = cause;
        this.mode = Mode.FAIL;
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    @Override
    public CompletionStage<Void> publish(List<SegmentEvent> events, Instant receivedAt) {
        published.add(List.copyOf(events));
        timestamps.add(receivedAt);
        return switch (mode) {
            case ACKNOWLEDGE -> CompletableFuture.completedFuture(null);
            case FAIL -> CompletableFuture.failedFuture(failure);
            case NEVER_ANSWER -> new CompletableFuture<>();
            case HOLD -> {
                CompletableFuture<Void> answer = new CompletableFuture<>();
                held.add(answer);
                yield answer;
            }
        };
    }

    /** Acknowledges every held publish. */
    void release() {
        held.forEach(answer -> answer.complete(null));
    }

    int heldCount() {
        return held.size();
    }

    @Override
    public CompletionStage<Void> checkReady() {
        return ready ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("the test's Kafka is away"));
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** Every event published, in order, across requests. */
    List<SegmentEvent> events() {
        List<SegmentEvent> all = new ArrayList<>();
        published.forEach(all::addAll);
        return all;
    }

    /** The record timestamp of each publish call, in order. */
    List<Instant> recordTimestamps() {
        return List.copyOf(timestamps);
    }

    /** One list per publish call. */
    List<List<SegmentEvent>> requests() {
        return List.copyOf(published);
    }
}
