package dev.stitch.benchmark;

import java.time.Duration;

/**
 * One throughput round of one application on a state that already held many identities when it started.
 *
 * @param contender    the application, under its own id
 * @param measured     the round, clocked from RUNNING with the state restored, like every round
 * @param written      what was stored in its changelogs beforehand
 * @param restored     records it restored from its changelogs on start
 * @param restoreTook  from the first store's restore start to the last one's end, before the round
 * @param restoredAgain records the round's own start restored: 0 when it ran on the restored local
 *                     state; more if Kafka Streams found that state unusable and restored it again
 * @param spotFound    of the first stored entries, how many the running application found on their
 *                     partition, as stored (both sides of each link for the stitching topology)
 */
record LargerStateRound(Contender contender, ThroughputRound measured, PreloadedState.Written written, long restored,
                        Duration restoreTook, long restoredAgain, int spotFound) {

    int spotChecked() {
        return written.samples().size();
    }
}
