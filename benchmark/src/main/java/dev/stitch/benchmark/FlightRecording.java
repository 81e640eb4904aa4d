package dev.stitch.benchmark;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * A Java Flight Recording of this JVM with the JDK's built-in {@code profile} settings (execution
 * samples every 10 ms among them), started and stopped around the part of a run worth profiling, then
 * written to a file.
 */
final class FlightRecording implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private FlightRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static FlightRecording start(Path file) throws IOException {
        Configuration profile;
        try {
            profile = Configuration.getConfiguration("profile");
        } catch (ParseException e) {
            throw new IOException("The JDK's built-in JFR configuration \"profile\" could not be read: " + e.getMessage(), e);
        }
        Recording recording = new Recording(profile);
        recording.setName("stitch-benchmark");
        recording.setToDisk(true);
        recording.start();
        return new FlightRecording(recording, file);
    }

    /** Stops recording and writes what was recorded to the file; returns that file. */
    Path stopAndDump() throws IOException {
        recording.stop();
        Path absolute = file.toAbsolutePath();
        recording.dump(absolute);
        return absolute;
    }

    @Override
    public void close() {
        recording.close();
    }
}
