package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts events to the bridge's tracking API as Segment's clients do: a request answered 5xx or 429,
 * or not answered in time, is sent again with the same body (so the same messageId) after a growing
 * pause, until it is acknowledged; any other refusal is counted and dropped.
 */
final class RetryingSender implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_PAUSE_MS = 100;
    private static final long LONGEST_PAUSE_MS = 5_000;
    /** Requests on their way at once; more wait, as a client's queue does. */
    private static final int IN_FLIGHT = 128;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final String bridgeUrl;
    private final String authorization;
    private final Map<String, Long> ackedAtNanos = new ConcurrentHashMap<>();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    RetryingSender(String bridgeUrl, String writeKey) {
        this.bridgeUrl = bridgeUrl;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one event; returns once it is on its way (blocking while too many are). */
    void send(SegmentEvent event) throws InterruptedException {
        inFlight.acquire();
        attempt(event, 0);
    }

    private void attempt(SegmentEvent event, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(bridgeUrl + "/v1/" + event.getType()))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event.getJson()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            int status = error == null ? response.statusCode() : 0;
            if (status == 200) {
                ackedAtNanos.putIfAbsent(event.getMessageId(), System.nanoTime());
                inFlight.release();
            } else if (status == 0 || status == 429 || status >= 500) {
                retried.incrementAndGet();
                long pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS << Math.min(attempt, 10));
                retries.schedule(() -> attempt(event, attempt + 1), pause, TimeUnit.MILLISECONDS);
            } else {
                refused.incrementAndGet();
                inFlight.release();
            }
        });
    }

    /** Waits until every event sent is acknowledged or refused, up to the timeout; true when it is. */
    boolean drain(Duration timeout) throws InterruptedException {
        if (inFlight.tryAcquire(IN_FLIGHT, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(IN_FLIGHT);
            return true;
        }
        return false;
    }

    /** When the bridge acknowledged each messageId (System.nanoTime()). */
    Map<String, Long> ackedAtNanos() {
        return ackedAtNanos;
    }

    long retried() {
        return retried.get();
    }

    long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
