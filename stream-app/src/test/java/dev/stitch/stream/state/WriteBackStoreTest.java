package dev.stitch.stream.state;

import dev.stitch.schema.internal.UserState;
import dev.stitch.schema.internal.WaitingEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.errors.UnusableRecordException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-back store in front of a real store with a changelog: what reaches the changelog, what a
 * reader may change, a value too large for a record, the bound on what it holds, and what the query
 * API's threads see.
 */
class WriteBackStoreTest {

    private static final String STORE = "users";
    private static final String CHANGELOG = "wb-" + STORE + "-changelog";
    private static final int MAX_RECORD_BYTES = 1_000;

    private final Serde<UserState> serde =
            StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null), MAX_RECORD_BYTES).userState();

    @Test
    void aKeyWrittenSeveralTimesForOneRecordReachesTheChangelogOnceWithItsLastValue() {
        try (var driver = new Driver(WriteBackStore.MAX_BYTES)) {
            driver.send("alice", "put 1 2 3").send("bob", "put 7");

            assertThat(driver.changelog()).containsExactly(KeyValue.pair("alice", 3L), KeyValue.pair("bob", 7L));
            assertThat(driver.send("alice", "get").answers()).containsExactly("3");
        }
    }

    @Test
    void aReaderChangesItsOwnCopyOnlyUntilItPutsIt() {
        try (var driver = new Driver(WriteBackStore.MAX_BYTES)) {
            driver.send("alice", "put 5").send("alice", "meddle").send("alice", "get");

            assertThat(driver.answers()).containsExactly("5", "5");
            assertThat(driver.changelog()).containsExactly(KeyValue.pair("alice", 5L));
        }
    }

    @Test
    void aValueThatMayBeTooLargeIsWrittenAtItsPutAndOneThatIsIsRefusedThereWhileTheStoreKeepsWhatItHad() {
        try (var driver = new Driver(WriteBackStore.MAX_BYTES)) {
            // 20 waiting events of 10-character ids: bounded above 1,000 bytes, some 400 encoded; put
            // after a state not written down yet, which it replaces.
            driver.send("bob", "put 9 wait 20").send("bob", "get");
            // 200 of them: more than a record may take.
            driver.send("alice", "put 1").send("alice", "wait 200").send("alice", "get");

            assertThat(driver.answers()).containsExactly("0 with 20 waiting", "refused", "1");
            assertThat(driver.changelog()).containsExactly(KeyValue.pair("bob", 0L), KeyValue.pair("alice", 1L));
        }
    }

    @Test
    void whatItHoldsStaysWithinItsBoundAndWhatLeavesIsWrittenDownFirst() {
        // Room for a few states only: most of the hundred leave while the record is processed.
        try (var driver = new Driver(1_000)) {
            driver.send("u", "many 100");
            for (int i = 0; i < 100; i++) {
                driver.send("u" + i, "get");
            }

            List<String> expected = new ArrayList<>();
            Map<String, Long> written = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                expected.add(Integer.toString(i));
                written.put("u" + i, (long) i);
            }
            assertThat(driver.answers()).containsExactlyElementsOf(expected);
            List<KeyValue<String, Long>> changelog = driver.changelog();
            assertThat(changelog).hasSize(100);
            assertThat(changelog).allSatisfy(record -> assertThat(record.value).isEqualTo(written.get(record.key)));
        }
    }

    @Test
    void anotherThreadReadsWhatIsHeldAndOtherwiseTheStoreBeneathAddingNothing() throws Exception {
        KeyValueStore<String, UserState> beneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), serde)
                .withLoggingDisabled().build();
        WriteBackStore<String, UserState> store = new WriteBackStore<>(beneath, new UserStateValues(), WriteBackStore::stringKeyBytes,
                WriteBackStore.MAX_BYTES, MAX_RECORD_BYTES);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);

        store.put("alice", state(1));
        store.flushCache();
        store.put("alice", state(2));
        // As a standby's restore writes the store beneath, under the cache.
        beneath.put("bob", state(7));
        assertThat(onAnotherThread(() -> store.get("bob").getLastSequence())).isEqualTo(7L);
        beneath.put("bob", state(8));
        assertThat(onAnotherThread(() -> store.get("bob").getLastSequence())).isEqualTo(8L);

        assertThat(onAnotherThread(() -> store.get("alice").getLastSequence())).isEqualTo(2L);
        assertThat(onAnotherThread(() -> sequences(store))).containsExactly(KeyValue.pair("alice", 1L), KeyValue.pair("bob", 8L));
        assertThat(sequences(store)).containsExactly(KeyValue.pair("alice", 2L), KeyValue.pair("bob", 8L));

        store.put("alice", state(3));
        store.clearCache();
        assertThat(store.get("alice").getLastSequence()).isEqualTo(2L);
        store.close();
    }

    private static <T> T onAnotherThread(Supplier<T> read) throws Exception {
        return CompletableFuture.supplyAsync(read, command -> new Thread(command).start()).get();
    }

    private static List<KeyValue<String, Long>> sequences(KeyValueStore<String, UserState> store) {
        List<KeyValue<String, Long>> all = new ArrayList<>();
        try (KeyValueIterator<String, UserState> it = store.all()) {
            it.forEachRemaining(entry -> all.add(KeyValue.pair(entry.key, entry.value.getLastSequence())));
        }
        return all;
    }

    private static UserState state(long sequence) {
        return new UserState(sequence, 0L, "", 0L, 0L, 0L, false, new ArrayList<>());
    }

    /**
     * A processor of commands to the store, one per record, keyed by the key they are about: {@code put
     * N…} puts a state of each sequence in turn; {@code get} answers with the sequence; {@code meddle}
     * changes the state it read without putting it; {@code wait N} puts a state with N waiting events,
     * answering {@code refused} when the store refuses it; {@code many N} puts the states u0… of
     * sequences 0…. {@code put N… wait N} puts the states and then the waiting ones.
     */
    private static final class Commands implements Processor<String, String, String, String> {

        private ProcessorContext<String, String> context;
        private KeyValueStore<String, UserState> users;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            users = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            String[] command = record.value().split(" ");
            String key = record.key();
            switch (command[0]) {
                case "put" -> {
                    for (int i = 1; i < command.length; i++) {
                        if (command[i].equals("wait")) {
                            putWaiting(key, Integer.parseInt(command[i + 1]));
                            break;
                        }
                        users.put(key, state(Long.parseLong(command[i])));
                    }
                }
                case "get" -> {
                    UserState state = users.get(key);
                    String waiting = state == null || state.getWaiting().isEmpty() ? "" : " with " + state.getWaiting().size() + " waiting";
                    answer(state == null ? "none" : state.getLastSequence() + waiting);
                }
                case "meddle" -> {
                    UserState state = users.get(key);
                    answer(Long.toString(state.getLastSequence()));
                    state.setLastSequence(-1L);
                    state.getWaiting().clear();
                }
                case "wait" -> putWaiting(key, Integer.parseInt(command[1]));
                case "many" -> {
                    for (int i = 0; i < Integer.parseInt(command[1]); i++) {
                        users.put("u" + i, state(i));
                    }
                }
                default -> throw new IllegalArgumentException(record.value());
            }
        }

        private void putWaiting(String key, int waiting) {
            UserState state = state(0);
            for (int i = 0; i < waiting; i++) {
                state.getWaiting().add(new WaitingEvent((long) i, String.format("m-%08d", i), (long) i));
            }
            try {
                users.put(key, state);
            } catch (UnusableRecordException e) {
                answer("refused");
            }
        }

        private void answer(String text) {
            context.forward(new Record<>("answer", text, 0L));
        }
    }

    private final class Driver implements AutoCloseable {

        private final TopologyTestDriver driver;
        private final TestInputTopic<String, String> commands;
        private final TestOutputTopic<String, String> answers;
        private final TestOutputTopic<String, UserState> changelog;
        private final Path stateDir;

        Driver(long maxBytes) {
            try {
                stateDir = Files.createTempDirectory("write-back");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Topology topology = new Topology();
            topology.addSource("commands", new StringDeserializer(), new StringDeserializer(), "commands");
            topology.addProcessor("store", Commands::new, "commands");
            topology.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                    Serdes.String(), serde), new UserStateValues(), WriteBackStore::stringKeyBytes, MAX_RECORD_BYTES, maxBytes), "store");
            topology.addSink("answers", "answers", new StringSerializer(), new StringSerializer(), "store");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wb");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            driver = new TopologyTestDriver(topology, props);
            commands = driver.createInputTopic("commands", new StringSerializer(), new StringSerializer());
            answers = driver.createOutputTopic("answers", new StringDeserializer(), new StringDeserializer());
            changelog = driver.createOutputTopic(CHANGELOG, new StringDeserializer(), serde.deserializer());
        }

        Driver send(String key, String command) {
            commands.pipeInput(key, command);
            return this;
        }

        List<String> answers() {
            return answers.readValuesToList();
        }

        List<KeyValue<String, Long>> changelog() {
            List<KeyValue<String, Long>> records = new ArrayList<>();
            changelog.readKeyValuesToList().forEach(record -> records.add(KeyValue.pair(record.key, record.value.getLastSequence())));
            return records;
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
