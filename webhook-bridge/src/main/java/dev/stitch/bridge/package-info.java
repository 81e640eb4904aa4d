/**
 * The Segment-compatible HTTP bridge: Segment's tracking API and webhook destination in
 * front of Kafka.
 *
 * <p>{@link dev.stitch.bridge.WebhookBridge} serves {@code POST /v1/{track,identify,page,screen,group,alias}},
 * their analytics.js short forms {@code /v1/{t,i,p,s,g,a}}, {@code /v1/batch} ({@code /v1/b}),
 * {@code /v1/import} (and {@code /v1/import/}, analytics-java's), {@code /v1/webhook}, and the pixel's
 * {@code /api/v1/event} and {@code /api/v1/s2s/event} (its events mapped by {@link dev.stitch.bridge.PixelEventMapper}), plus
 * {@code GET /health/live}, {@code /health/ready} and {@code /metrics}. Each request is read within
 * Segment's limits, authenticated by a write key, checked event by event, and handed whole to an
 * {@link dev.stitch.bridge.EventPublisher}; it is answered 200 only once every event is stored, 503
 * with {@code Retry-After} when that does not happen within the publish timeout, and 400, 401 or 413
 * with {@code {"error", "message", "field"}} when it cannot be accepted, nothing of it published.
 *
 * <p>{@link dev.stitch.bridge.KafkaEventPublisher} is the real publisher: an idempotent {@code acks=all}
 * producer to {@code segment.raw}, keyed by each event's routing key. {@link dev.stitch.bridge.BridgeMain}
 * runs the two alone against an external Kafka; {@link dev.stitch.bridge.BridgeConfig} reads their
 * settings from the environment.
 */
package dev.stitch.bridge;
