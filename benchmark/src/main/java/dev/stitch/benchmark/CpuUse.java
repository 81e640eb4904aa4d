package dev.stitch.benchmark;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent so far by the whole process (the application, the broker in this JVM, the garbage
 * collector) and by one application's stream threads: what an application's events cost, apart from
 * the time its stream thread spent waiting for the broker.
 *
 * @param processNanos      CPU time of every thread of the process
 * @param streamThreadNanos CPU time of the application's stream threads alone
 * @param compilingMillis   time the JIT compilers spent compiling, in this process: while they
 *                          compile, on two cores, they take CPU from the stream thread, whose code
 *                          runs slower until they are done
 */
record CpuUse(long processNanos, long streamThreadNanos, long compilingMillis) {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean COMPILATION = ManagementFactory.getCompilationMXBean();

    /** What the process and {@code applicationId}'s stream threads have used up to now. */
    static CpuUse of(String applicationId) {
        var streamThread = ExecutionProfile.streamThreadsOf(applicationId);
        long streamThreads = 0;
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && streamThread.test(thread.getThreadName())) {
                streamThreads += Math.max(0, THREADS.getThreadCpuTime(thread.getThreadId()));
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new CpuUse(os.getProcessCpuTime(), streamThreads, compilingMillisSoFar());
    }

    /** The JIT compilers' time so far, summed over their threads. */
    static long compilingMillisSoFar() {
        return COMPILATION.getTotalCompilationTime();
    }

    CpuUse since(CpuUse earlier) {
        return new CpuUse(processNanos - earlier.processNanos, streamThreadNanos - earlier.streamThreadNanos,
                compilingMillis - earlier.compilingMillis);
    }

    double processMicrosPer(long events) {
        return processNanos / 1e3 / events;
    }

    double streamThreadMicrosPer(long events) {
        return streamThreadNanos / 1e3 / events;
    }
}
