package dev.stitch.benchmark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.benchmark.SegmentPayloads.Device;
import dev.stitch.benchmark.SegmentPayloads.Person;
import dev.stitch.benchmark.SegmentPayloads.Timing;
import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The input of one state-size scenario, in arrival order: visitors who start one after the other at
 * the arrival rate and each send a fixed script of events, a think time apart, so that many visits
 * overlap as on a real site. The events are the benchmark's realistic Segment payloads.
 */
final class StateScenario implements Supplier<GeneratedEvent> {

    private enum Step { PAGE, FRONTEND_IDENTIFY, SERVER_IDENTIFY, SERVER_TRACK }

    private static final int MIN_THINK_MS = 2_000;
    private static final int MAX_THINK_MS = 30_000;
    private static final JunkIds JUNK = JunkIds.defaults();

    private record Visitor(Device device, Person person, Deque<Step> steps, boolean campaign) {
    }

    private record Pending(long arrivalMs, Visitor visitor) {
    }

    private final Random random;
    private final SegmentPayloads payloads;
    private final int visitors;
    private final boolean identified;
    private final int stepsPerVisitor;
    private final double startSpacingMs;
    private final long startMs;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(Comparator.comparingLong(Pending::arrivalMs));
    private final Map<String, long[]> jsonBytesByStep = new TreeMap<>();
    private int started;

    /** @param endMs simulated time by which the last event has arrived */
    private StateScenario(long seed, int visitors, boolean identified, int stepsPerVisitor, int arrivalRate, long endMs) {
        this.random = new Random(seed);
        this.payloads = new SegmentPayloads(random);
        this.visitors = visitors;
        this.identified = identified;
        this.stepsPerVisitor = stepsPerVisitor;
        this.startSpacingMs = 1000.0 * stepsPerVisitor / arrivalRate;
        this.startMs = endMs - Math.round(startSpacingMs * visitors) - (long) (stepsPerVisitor - 1) * MAX_THINK_MS;
    }

    /**
     * People who each browse one page anonymously, are identified (from the frontend or, with the pixel id
     * in context.anonymousId, from the backend, in equal parts) and are tracked once from the backend.
     */
    static StateScenario identities(long seed, int people, int arrivalRate, long endMs) {
        return new StateScenario(seed, people, true, 3, arrivalRate, endMs);
    }

    /** Visitors who each view {@code pages} pages and never log in: their events wait in the anonymous history. */
    static StateScenario anonymous(long seed, int visitors, int pages, int arrivalRate, long endMs) {
        return new StateScenario(seed, visitors, false, pages, arrivalRate, endMs);
    }

    /** Every event the scenario sends. */
    long events() {
        return (long) visitors * stepsPerVisitor;
    }

    /** Events sent so far by kind, with their mean JSON size: "page 1,234 x 1,050 B, ...". */
    String sizesByKind() {
        return jsonBytesByStep.entrySet().stream()
                .map(kind -> String.format(Locale.ROOT, "%s %,d x %,.0f B", kind.getKey(), kind.getValue()[0],
                        (double) kind.getValue()[1] / kind.getValue()[0]))
                .collect(Collectors.joining(", "));
    }

    @Override
    public GeneratedEvent get() {
        long nextStart = startMs + Math.round(started * startSpacingMs);
        if (started < visitors && (pending.isEmpty() || nextStart <= pending.peek().arrivalMs())) {
            started++;
            return emit(new Pending(nextStart, newVisitor()));
        }
        Pending next = pending.poll();
        if (next == null) {
            throw new IllegalStateException("The scenario has sent all of its " + events() + " events.");
        }
        return emit(next);
    }

    private GeneratedEvent emit(Pending at) {
        Visitor visitor = at.visitor();
        long arrival = at.arrivalMs();
        Device device = visitor.device();
        Person person = visitor.person();
        Step step = visitor.steps().poll();
        ObjectNode json = switch (step) {
            case PAGE -> payloads.page(device, timing(arrival, device.clockSkewMs(), 1_500),
                    visitor.campaign() && random.nextBoolean());
            case FRONTEND_IDENTIFY -> payloads.frontendIdentify(device, person, timing(arrival, device.clockSkewMs(), 1_500));
            case SERVER_IDENTIFY -> payloads.serverIdentify(device, person, timing(arrival, 0, 2_000));
            case SERVER_TRACK -> payloads.serverTrack(device, person, timing(arrival, 0, 2_000));
        };
        if (!visitor.steps().isEmpty()) {
            pending.add(new Pending(arrival + MIN_THINK_MS + random.nextInt(MAX_THINK_MS - MIN_THINK_MS), visitor));
        }
        SegmentEvent event = SegmentEventParser.parse(json, Instant.ofEpochMilli(arrival), "state-size");
        long[] tally = jsonBytesByStep.computeIfAbsent(step.name().toLowerCase(Locale.ROOT).replace('_', ' '), name -> new long[2]);
        tally[0]++;
        tally[1] += event.getJson().getBytes(StandardCharsets.UTF_8).length;
        return new GeneratedEvent(EventIds.of(event, JUNK).routingKey(), event, arrival);
    }

    private Visitor newVisitor() {
        Device device = payloads.newDevice();
        Deque<Step> steps = new ArrayDeque<>(stepsPerVisitor);
        Person person = null;
        if (identified) {
            person = payloads.newPerson("usr_" + payloads.hex(16), Instant.ofEpochMilli(startMs));
            steps.add(Step.PAGE);
            steps.add(random.nextBoolean() ? Step.SERVER_IDENTIFY : Step.FRONTEND_IDENTIFY);
            steps.add(Step.SERVER_TRACK);
        } else {
            for (int i = 0; i < stepsPerVisitor; i++) {
                steps.add(Step.PAGE);
            }
        }
        return new Visitor(device, person, steps, random.nextInt(100) < 35);
    }

    /** When the event happened and was sent: a client queues it up to {@code maxQueueMs}, its clock may be off. */
    private Timing timing(long arrival, long clockSkewMs, int maxQueueMs) {
        long sent = arrival - 5 - random.nextInt(200);
        long happened = sent - random.nextInt(maxQueueMs);
        return new Timing(happened + clockSkewMs, sent + clockSkewMs, arrival);
    }
}
