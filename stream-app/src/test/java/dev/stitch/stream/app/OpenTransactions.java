package dev.stitch.stream.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What keeps a read_committed reader from the end of the topics, on one line: each partition whose
 * last stable offset is behind its end, with the producers whose transactions are open there, and the
 * transactions the coordinator has not completed. A test that waits in vain for committed records
 * adds it to its failure, so that the failure says whether a transaction was left hanging.
 */
public final class OpenTransactions {

    private static final long TIMEOUT_SECONDS = 10;
    private static final Set<TransactionState> DONE = EnumSet.of(TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT,
            TransactionState.EMPTY);

    private OpenTransactions() {
    }

    /** The report, or what kept it from being made: it is written when a test has already failed. */
    public static String describe(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((topic, description) ->
                    description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
            Map<TopicPartition, Long> ends = endOffsets(bootstrap, partitions, "read_uncommitted");
            Map<TopicPartition, Long> stable = endOffsets(bootstrap, partitions, "read_committed");
            var producers = admin.describeProducers(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> behind = new ArrayList<>();
            stableBehindEnd(ends, stable).forEach(partition -> behind.add(partition + " stable " + stable.get(partition)
                    + " of " + ends.get(partition) + " open " + open(producers.get(partition).activeProducers())));
            behind.sort(null);
            List<String> pending = new ArrayList<>();
            for (TransactionListing listing : admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (!DONE.contains(listing.state())) {
                    pending.add(listing.transactionalId() + " (producer " + listing.producerId() + ") " + listing.state());
                }
            }
            return "partitions with their stable offset behind the end: " + (behind.isEmpty() ? "none" : String.join("; ", behind))
                    + "; transactions not completed: " + (pending.isEmpty() ? "none" : String.join("; ", pending));
        } catch (Exception e) {
            return "the broker could not be described: " + e;
        }
    }

    private static List<TopicPartition> stableBehindEnd(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> stable) {
        return ends.keySet().stream().filter(partition -> stable.getOrDefault(partition, 0L) < ends.get(partition)).toList();
    }

    private static String open(Collection<ProducerState> producers) {
        List<String> open = new ArrayList<>();
        for (ProducerState producer : producers) {
            producer.currentTransactionStartOffset().ifPresent(start -> open.add("producer " + producer.producerId()
                    + " epoch " + producer.producerEpoch() + " since offset " + start));
        }
        return open.isEmpty() ? "[none]" : open.toString();
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, List<TopicPartition> partitions, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(partitions);
        }
    }
}
