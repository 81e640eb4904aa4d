package dev.stitch.stream.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report a failed wait adds: it names a transaction left open, and says none when all are done. */
class OpenTransactionsIT {

    @RegisterExtension
    final SingleBroker kafka = new SingleBroker();

    @Test
    void namesThePartitionAndTheTransactionThatHoldReadersBack() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("held-back", 1, (short) 1))).all().get();
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "left-open"), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("held-back", 0, "k", "committed? not yet")).get();

            String open = OpenTransactions.describe(kafka.bootstrapServers());
            assertThat(open).contains("held-back-0 stable 0 of 1 open [producer ").contains("left-open (producer ").contains(") Ongoing");

            producer.commitTransaction();
        }
        assertThat(OpenTransactions.describe(kafka.bootstrapServers()))
                .isEqualTo("partitions with their stable offset behind the end: none; transactions not completed: none");
    }
}
