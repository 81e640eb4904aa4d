package dev.stitch.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionProfileTest {

    private static final String THREAD = "bench-profiled-0f3a-StreamThread-1";

    /** Keeps the CPU busy in a method of its own, so the samples have something to find. */
    static final class BusyLoop implements Runnable {

        private final AtomicBoolean stop;
        volatile long sink;

        BusyLoop(AtomicBoolean stop) {
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                spin();
            }
        }

        private void spin() {
            long value = sink;
            for (int i = 0; i < 10_000; i++) {
                value = value * 31 + i;
            }
            sink = value;
        }
    }

    @Test
    void findsTheBusyMethodOfTheNamedStreamThreadAndNoOtherThread(@TempDir Path dir) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread busy = new Thread(new BusyLoop(stop), THREAD);
        Thread other = new Thread(new BusyLoop(stop), "bench-other-0f3a-StreamThread-1");
        Path file;
        try (FlightRecording recording = FlightRecording.start(dir.resolve("busy.jfr"))) {
            busy.start();
            other.start();
            Thread.sleep(300);
            stop.set(true);
            busy.join();
            other.join();
            file = recording.stopAndDump();
        }

        ExecutionProfile profile = ExecutionProfile.read(file, ExecutionProfile.streamThreadsOf("bench-profiled"));

        assertThat(profile.threads()).containsExactly(THREAD);
        assertThat(profile.samples()).isPositive();
        assertThat(profile.topSelf(10)).extracting(ExecutionProfile.FrameShare::frame)
                .contains("d.s.b.ExecutionProfileTest$BusyLoop.spin");
        assertThat(profile.topInclusive(15)).extracting(ExecutionProfile.FrameShare::frame)
                .contains("d.s.b.ExecutionProfileTest$BusyLoop.run", "j.l.Thread.run");
    }

    @Test
    void streamThreadsOfAnApplicationLeaveOutItsProducerAndStateUpdaterThreads() {
        var threads = ExecutionProfile.streamThreadsOf("bench-stitch");

        assertThat(threads.test("round2.bench-stitch-5b1c-StreamThread-1")).isTrue();
        assertThat(threads.test("kafka-producer-network-thread | bench-stitch-5b1c-StreamThread-1-producer")).isFalse();
        assertThat(threads.test("bench-stitch-5b1c-StateUpdater-1")).isFalse();
        assertThat(threads.test("bench-baseline-5b1c-StreamThread-1")).isFalse();
    }

    @Test
    void abbreviatesPackagesToTheirInitials() {
        assertThat(ExecutionProfile.abbreviated("org.apache.kafka.streams.processor.internals.StreamTask"))
                .isEqualTo("o.a.k.s.p.i.StreamTask");
        assertThat(ExecutionProfile.abbreviated("Plain")).isEqualTo("Plain");
    }

    @Test
    void namesALambdaByTheClassItIsIn() {
        // As JFR names a hidden class.
        assertThat(ExecutionProfile.abbreviated("org.apache.kafka.streams.processor.internals.StreamTask$$Lambda$1487+0x00007efc745e6d00.1653309853"))
                .isEqualTo("o.a.k.s.p.i.StreamTask$$Lambda");
    }
}
