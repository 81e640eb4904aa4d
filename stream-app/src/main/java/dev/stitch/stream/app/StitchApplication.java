package dev.stitch.stream.app;

import dev.stitch.serde.SchemaRegistry;
import dev.stitch.serde.SchemaRegistryException;
import dev.stitch.stream.api.ErasableUserIds;
import dev.stitch.stream.api.KafkaErasureRequests;
import dev.stitch.stream.api.QueryApi;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.config.ConsoleConfig;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.stream.console.ActivityFeed;
import dev.stitch.stream.console.ActivityRing;
import dev.stitch.stream.errors.RegistryTrouble;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.topology.StitchTopology;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/** The stitching topology running in Kafka Streams, with the query API on its stores: start, state, stop. */
public final class StitchApplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StitchApplication.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final QueryApi api;
    private final KafkaErasureRequests erasures;
    private final ActivityFeed activity;
    private final StateRestoreLog restores;
    private final CloseOptions.GroupMembershipOperation onStop;

    private StitchApplication(KafkaStreams streams, QueryApi api, KafkaErasureRequests erasures, ActivityFeed activity,
                              StateRestoreLog restores, CloseOptions.GroupMembershipOperation onStop) {
        this.streams = streams;
        this.api = api;
        this.erasures = erasures;
        this.activity = activity;
        this.restores = restores;
        this.onStop = onStop;
    }

    /**
     * Starts the query API (so that its port is known to Kafka Streams as this instance's
     * {@code application.server}), creates missing topics (when configured to), then starts
     * processing; returns at once.
     */
    public static StitchApplication start(AppConfig config, SchemaRegistry registry, String bootstrapServers) {
        StitchSerdes serdes = StitchSerdes.using(registry, config.settings().limits().maxRecordBytes());
        Properties clients = config.clientProperties();
        clients.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        KafkaErasureRequests erasures = new KafkaErasureRequests(only(ProducerConfig.configNames(), clients), serdes.segmentEvent().serializer(),
                config.settings().topics().raw());
        ConsoleConfig console = config.api().console();
        ActivityRing ring = new ActivityRing(console.activityEvents(), console.erasuresRemembered());
        QueryApi api;
        try {
            api = QueryApi.start(config.api(), serdes.timelineEvent().deserializer(), config.settings().topics().timeline(), erasures,
                    new ErasableUserIds(config.settings().junkIds(), config.settings().limits().ids()), ring);
        } catch (RuntimeException e) {
            erasures.close();
            throw e;
        }
        ActivityFeed activity = null;
        try {
            Properties props = streamsProperties(config, bootstrapServers);
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.api().withPort(api.port()).applicationServer());
            ApplicationTopics.prepare(props, config.settings().topics(), config.partitions(), config.createTopics());
            KafkaStreams streams = new KafkaStreams(StitchTopology.build(config.settings(), serdes, props), props);
            streams.setUncaughtExceptionHandler(StitchApplication::onStreamThreadFailure);
            StateRestoreLog restores = new StateRestoreLog();
            streams.setGlobalStateRestoreListener(restores);
            TopicNames topics = config.settings().topics();
            activity = ActivityFeed.start(clients, new ActivityFeed.Topics(topics.timeline(), topics.anonymous(), topics.identityChanges(),
                    console.activityEvents(), console.erasuresRemembered()), serdes.timelineEvent().deserializer(),
                    serdes.identityChange().deserializer(), ring);
            streams.start();
            api.serve(streams);
            return new StitchApplication(streams, api, erasures, activity, restores, config.recovery().leaveGroupOnStop()
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        } catch (RuntimeException e) {
            if (activity != null) {
                activity.close();
            }
            api.close();
            erasures.close();
            throw e;
        }
    }

    /** The port the query API listens on. */
    public int apiPort() {
        return api.port();
    }

    /**
     * A registry that cannot be reached is passing trouble: the thread is replaced and its uncommitted
     * records are processed again. Records never get here (the exception handlers send them to the
     * dead-letter topic); anything else is Kafka's or the machine's, and stops the application rather
     * than loop on it.
     */
    private static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadFailure(Throwable error) {
        SchemaRegistryException registryError = RegistryTrouble.in(error);
        if (registryError != null) {
            log.warn("The Schema Registry could not be used ({}); the stream thread is replaced and retries. "
                    + "Check that SCHEMA_REGISTRY_URL answers.", registryError.getMessage());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        if (causedByRecordTooLarge(error)) {
            log.error("Kafka refused a record as too large although it was within STITCH_MAX_RECORD_BYTES, and under exactly-once "
                    + "that aborts the transaction, so the application stops. A broker or topic takes less (message.max.bytes, "
                    + "max.message.bytes) than the producer may send (max.request.size): raise the broker's limit, or set "
                    + "KAFKA_MAX_REQUEST_SIZE (and with it the record bound) below it, and start again.", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error("A stream thread failed and the application stops; the records it was processing stay uncommitted "
                + "and are processed again after a restart. Check the error below, fix its cause, and start again.", error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static boolean causedByRecordTooLarge(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    public static Properties streamsProperties(AppConfig config, String bootstrapServers) {
        Properties props = StreamsProperties.of(config.applicationId(), bootstrapServers, config.stateDir(),
                config.rocksDbMemoryBytes(), config.clientOverrides(), config.settings().topics().deadLetters(), config.settings().limits());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        config.recovery().applyTo(props);
        return props;
    }

    /** Records restored from changelogs since the start: few when standby replicas took over a stopped instance's tasks. */
    public long restoredRecords() {
        return restores.restoredRecords();
    }

    /** The Kafka Streams client, for its metadata: which instance holds which tasks and standbys. */
    KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the application processes (RUNNING) or gives up (ERROR, or the timeout). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Stops after committing. A member without a stable name leaves the consumer group, so that its
     * partitions move at once instead of after the session timeout; a named one stays in it (unless
     * told to leave), so that a restart within the session timeout takes them back without a rebalance.
     */
    @Override
    public void close() {
        api.close();
        activity.close();
        erasures.close();
        streams.close(CloseOptions.groupMembershipOperation(onStop).withTimeout(CLOSE_TIMEOUT));
    }

    /** A client warns about every key it does not know (the Streams-only ones): give it only its own. */
    static Properties only(Set<String> known, Properties props) {
        Properties clean = new Properties();
        props.forEach((key, value) -> {
            if (known.contains(key.toString())) {
                clean.put(key, value);
            }
        });
        return clean;
    }
}
