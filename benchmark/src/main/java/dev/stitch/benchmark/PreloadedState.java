package dev.stitch.benchmark;

import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.SeenBatch;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A large state written straight into an application's changelog topics before it first starts, so that
 * it restores the state and then runs on it, as one that has seen many visitors would. Producing the
 * store records is much faster than having the application build them from events.
 *
 * <p>Every id here starts with {@value #PREFIX}, which no generated visitor's id does: the measured
 * events meet a large state, never one of its entries.
 */
final class PreloadedState {

    static final String PREFIX = "stored-";
    /** Anonymous ids linked to each stored user: a visitor seen on a phone and a laptop. */
    static final int IDS_PER_USER = 2;
    /** Entries read back per store once the application runs, to check it restored them where it looks. */
    static final int SPOT_CHECKS = 100;
    private static final byte[] GRANTED = new byte[0];

    /** One stored identity: an anonymous id and the user it is linked to. */
    record Link(String anonymousId, String userId) {
    }

    /**
     * @param records  records produced to the changelogs
     * @param took     how long creating the topics and producing took
     * @param samples  the first stored links (for the stitch application) or persons (baseline, userId
     *                 only), to look up in the running application
     */
    record Written(long records, Duration took, List<Link> samples) {
    }

    private PreloadedState() {
    }

    static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    /**
     * The partition Kafka's default partitioner gives a String key, which is the task, and so the
     * changelog partition, whose store holds what that key's records touch.
     */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * The key of a {@link Catalogue#USER_LINKS_STORE} entry: 4-byte length and UTF-8 of the userId, then
     * the anonymous id, as the stream application's {@code LinkKey} writes it.
     */
    static byte[] linkKey(String userId, String anonymousId) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        byte[] anonymous = anonymousId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Integer.BYTES + user.length + anonymous.length).putInt(user.length).put(user).put(anonymous).array();
    }

    /**
     * {@code identities} anonymous ids linked to users, {@link #IDS_PER_USER} each, both sides of each
     * link: the id's {@link IdentityState} on the id's partition ({@link Catalogue#IDENTITIES_STORE}) and
     * the user's grant on the user's ({@link Catalogue#USER_LINKS_STORE}), which R7's count reads. No
     * profiles or timelines are stored for these users.
     *
     * <p>Each partition's {@link Catalogue#SEEN_MESSAGES_STORE} gets a batch of one seen message
     * id too: with exactly-once, Kafka Streams treats a task whose local state is not empty but one of
     * whose stores has no checkpointed changelog offset (an empty changelog has none) as corrupted, and
     * would wipe and restore it again when the measured round starts on the restored state.
     */
    static Written stitch(String bootstrap, Admin admin, String applicationId, StitchSerdes serdes, int identities,
                          int partitions, long seed) throws InterruptedException, ExecutionException {
        long startedAt = System.nanoTime();
        String identitiesTopic = changelog(applicationId, Catalogue.IDENTITIES_STORE);
        String linksTopic = changelog(applicationId, Catalogue.USER_LINKS_STORE);
        String seenTopic = changelog(applicationId, Catalogue.SEEN_MESSAGES_STORE);
        createCompacted(admin, partitions, identitiesTopic, linksTopic, seenTopic);
        var stateSerializer = serdes.identityState().serializer();
        Random random = new Random(seed);
        List<Link> samples = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long records = 0;
        try (var producer = producer(bootstrap)) {
            String userId = null;
            for (int i = 0; i < identities; i++) {
                if (i % IDS_PER_USER == 0) {
                    userId = PREFIX + "usr_" + Long.toHexString(random.nextLong());
                }
                String anonymousId = PREFIX + new UUID(random.nextLong(), random.nextLong());
                IdentityState state = new IdentityState(userId, 0, null, new ArrayList<>());
                send(producer, identitiesTopic, partitionOf(anonymousId, partitions), anonymousId.getBytes(StandardCharsets.UTF_8),
                        stateSerializer.serialize(identitiesTopic, state), failure);
                send(producer, linksTopic, partitionOf(userId, partitions), linkKey(userId, anonymousId), GRANTED, failure);
                records += 2;
                if (samples.size() < SPOT_CHECKS) {
                    samples.add(new Link(anonymousId, userId));
                }
            }
            long seenAt = System.currentTimeMillis();
            for (int partition = 0; partition < partitions; partition++) {
                byte[] messageId = (PREFIX + "message-" + partition).getBytes(StandardCharsets.UTF_8);
                send(producer, seenTopic, partition, SeenBatch.key(0).get(), SeenBatch.withEntry(null, 0, 0, messageId, seenAt), failure);
                records++;
            }
            producer.flush();
        }
        requireSent(failure, applicationId);
        return new Written(records, Duration.ofNanos(System.nanoTime() - startedAt), samples);
    }

    /**
     * {@code persons} entries in the baseline's {@link BaselineTopology#EVENT_COUNTS_STORE}, as many as
     * the stitch application's stored identities: a person and how many events they had.
     */
    static Written baseline(String bootstrap, Admin admin, String applicationId, int persons, int partitions, long seed)
            throws InterruptedException, ExecutionException {
        long startedAt = System.nanoTime();
        String topic = changelog(applicationId, BaselineTopology.EVENT_COUNTS_STORE);
        createCompacted(admin, partitions, topic);
        Random random = new Random(seed);
        List<Link> samples = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (var producer = producer(bootstrap); LongSerializer counts = new LongSerializer()) {
            for (int i = 0; i < persons; i++) {
                String person = PREFIX + new UUID(random.nextLong(), random.nextLong());
                send(producer, topic, partitionOf(person, partitions), person.getBytes(StandardCharsets.UTF_8),
                        counts.serialize(topic, 1L + i % 5), failure);
                if (samples.size() < SPOT_CHECKS) {
                    samples.add(new Link(null, person));
                }
            }
            producer.flush();
        }
        requireSent(failure, applicationId);
        return new Written(persons, Duration.ofNanos(System.nanoTime() - startedAt), samples);
    }

    /** The changelogs as Kafka Streams would create them: compacted, one partition per task. */
    private static void createCompacted(Admin admin, int partitions, String... topics) throws InterruptedException, ExecutionException {
        List<NewTopic> created = new ArrayList<>();
        for (String topic : topics) {
            created.add(new NewTopic(topic, partitions, (short) 1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        admin.createTopics(created).all().get();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties config = InputLoader.producerConfig(bootstrap);
        // The changelogs were created a moment ago: a first batch refused while a partition's leader gets
        // ready would put the batches pipelined behind it out of sequence, which the producer does not
        // recover from. Large batches, one request at a time.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key, byte[] value,
                             AtomicReference<Exception> failure) {
        producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    private static void requireSent(AtomicReference<Exception> failure, String applicationId) {
        if (failure.get() != null) {
            throw new IllegalStateException("Writing the stored state of " + applicationId + " failed: " + failure.get(), failure.get());
        }
    }
}
