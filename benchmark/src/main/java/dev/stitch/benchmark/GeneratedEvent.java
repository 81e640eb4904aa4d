package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;

/**
 * One generated event, ready to produce.
 *
 * @param key       the raw topic's key: the event's routing key, as the bridge sets it
 * @param event     the parsed event
 * @param arrivalMs when it reached the pipeline in the simulation: its receivedAt
 */
record GeneratedEvent(String key, SegmentEvent event, long arrivalMs) {
}
