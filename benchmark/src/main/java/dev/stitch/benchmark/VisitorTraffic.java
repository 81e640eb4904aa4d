package dev.stitch.benchmark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.benchmark.SegmentPayloads.Device;
import dev.stitch.benchmark.SegmentPayloads.Person;
import dev.stitch.benchmark.SegmentPayloads.Timing;
import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The event generator: a seeded simulation of visitors to a site. Many visits run at once; each is a
 * few anonymous page views from the visitor's pixel id, then (for most) a login identify, from the
 * frontend (userId + anonymousId) or the backend (userId + context.anonymousId) in equal parts, then
 * server-side tracks with the userId only. Some visitors never log in; a user who comes back uses the
 * same browser. Events come out in arrival order, at about the given rate of simulated time.
 */
final class VisitorTraffic {

    /** Visits that leave without logging in. */
    private static final double ANONYMOUS_ONLY_SHARE = 0.3;
    private static final int MIN_THINK_MS = 2_000;
    private static final int MAX_THINK_MS = 30_000;
    private static final JunkIds JUNK = JunkIds.defaults();

    private enum Step { PAGE, FRONTEND_IDENTIFY, SERVER_IDENTIFY, SERVER_TRACK }

    private static final class Visit {
        final Device device;
        final Person person;
        final Deque<Step> steps;
        final boolean campaign;
        long nextArrivalMs;

        Visit(Device device, Person person, Deque<Step> steps, boolean campaign, long nextArrivalMs) {
            this.device = device;
            this.person = person;
            this.steps = steps;
            this.campaign = campaign;
            this.nextArrivalMs = nextArrivalMs;
        }
    }

    private final Random random;
    private final SegmentPayloads payloads;
    private final String idPrefix;
    private final Person[] people;
    private final Device[] devices;
    private final PriorityQueue<Visit> visits = new PriorityQueue<>(Comparator.comparingLong(v -> v.nextArrivalMs));
    private final TrafficTally tally = new TrafficTally();
    private int loginVisits;

    /**
     * @param idPrefix    put before every userId, so two generators never share a user
     * @param arrivalRate events per second of simulated time
     * @param startMs     simulated time of the first visits
     */
    VisitorTraffic(long seed, String idPrefix, int users, int arrivalRate, long startMs) {
        this.random = new Random(seed);
        this.payloads = new SegmentPayloads(random);
        this.idPrefix = idPrefix;
        this.people = new Person[users];
        this.devices = new Device[users];
        // Each visit sends one event per think time on average, so this many visits give the rate.
        long concurrent = Math.max(1, (long) arrivalRate * (MIN_THINK_MS + MAX_THINK_MS) / 2 / 1000);
        for (long i = 0; i < concurrent; i++) {
            visits.add(newVisit(startMs + random.nextInt(MAX_THINK_MS)));
        }
    }

    GeneratedEvent next() {
        Visit visit = visits.poll();
        long arrival = visit.nextArrivalMs;
        SegmentEvent event = parse(emit(visit, visit.steps.poll(), arrival), arrival);
        if (visit.steps.isEmpty()) {
            visits.add(newVisit(arrival + think()));
        } else {
            visit.nextArrivalMs = arrival + think();
            visits.add(visit);
        }
        return new GeneratedEvent(EventIds.of(event, JUNK).routingKey(), event, arrival);
    }

    TrafficTally tally() {
        return tally;
    }

    private ObjectNode emit(Visit visit, Step step, long arrival) {
        Device device = visit.device;
        Person person = visit.person;
        return switch (step) {
            case PAGE -> {
                tally.anonymousPage(device.pixelId());
                yield payloads.page(device, browserTiming(device, arrival), visit.campaign && random.nextBoolean());
            }
            case FRONTEND_IDENTIFY -> {
                tally.identify(device.pixelId(), person.userId(), false);
                yield payloads.frontendIdentify(device, person, browserTiming(device, arrival));
            }
            case SERVER_IDENTIFY -> {
                tally.identify(device.pixelId(), person.userId(), true);
                yield payloads.serverIdentify(device, person, serverTiming(arrival));
            }
            case SERVER_TRACK -> {
                tally.serverTrack(person.userId());
                yield payloads.serverTrack(device, person, serverTiming(arrival));
            }
        };
    }

    private Visit newVisit(long firstArrivalMs) {
        Deque<Step> steps = new ArrayDeque<>();
        boolean campaign = random.nextInt(100) < 35;
        if (random.nextDouble() < ANONYMOUS_ONLY_SHARE) {
            repeat(steps, Step.PAGE, 1 + random.nextInt(4));
            return new Visit(payloads.newDevice(), null, steps, campaign, firstArrivalMs);
        }
        // Users log in in turn; once all have come, they come back on the same browser.
        int user = loginVisits++ % people.length;
        if (people[user] == null) {
            people[user] = payloads.newPerson(idPrefix + "usr_" + payloads.hex(12), Instant.ofEpochMilli(firstArrivalMs));
            devices[user] = payloads.newDevice();
        }
        repeat(steps, Step.PAGE, 2 + random.nextInt(5));
        steps.add(random.nextBoolean() ? Step.SERVER_IDENTIFY : Step.FRONTEND_IDENTIFY);
        repeat(steps, Step.SERVER_TRACK, 1 + random.nextInt(4));
        return new Visit(devices[user], people[user], steps, campaign, firstArrivalMs);
    }

    private static void repeat(Deque<Step> steps, Step step, int times) {
        for (int i = 0; i < times; i++) {
            steps.add(step);
        }
    }

    private int think() {
        return MIN_THINK_MS + random.nextInt(MAX_THINK_MS - MIN_THINK_MS);
    }

    /** analytics.js queues an event for up to ~1.5 s; the browser's clock may be off. */
    private Timing browserTiming(Device device, long arrival) {
        long network = 20 + random.nextInt(180);
        long queued = random.nextInt(1_500);
        long happened = arrival - network - queued;
        return new Timing(happened + device.clockSkewMs(), happened + queued + device.clockSkewMs(), arrival);
    }

    /** A backend library batches for up to ~2 s; server clocks are right. */
    private Timing serverTiming(long arrival) {
        long network = 5 + random.nextInt(45);
        long batched = 50 + random.nextInt(1_950);
        long happened = arrival - network - batched;
        return new Timing(happened, happened + batched, arrival);
    }

    private static SegmentEvent parse(ObjectNode json, long arrival) {
        return SegmentEventParser.parse(json, Instant.ofEpochMilli(arrival), "benchmark");
    }
}
