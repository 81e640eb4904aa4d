package dev.stitch.stream.config;

import dev.stitch.config.EnvironmentReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How an instance comes back after a stop or a crash: under which stable name it rejoins the group,
 * so that it takes its partitions back without a rebalance, and whether its local state survives an
 * unclean stop.
 *
 * @param instanceName       the instance's stable name ({@code STITCH_INSTANCE_NAME}; in Kubernetes the
 *                           pod's name, in the embedded default {@value #EMBEDDED_INSTANCE_NAME}); null
 *                           (unset, or {@value #NO_NAME}) for a member that gets a new identity on every start
 * @param groupProtocol      {@code STITCH_GROUP_PROTOCOL}, {@code classic}
 * @param transactionalState {@code STITCH_TRANSACTIONAL_STATE}, true: stores write through a transaction
 *                           buffer committed with Kafka's transaction, so a crash under exactly-once does
 *                           not wipe them for a full restore from the changelogs
 * @param leaveGroupOnStop   {@code STITCH_LEAVE_GROUP_ON_STOP}: whether a clean stop leaves the group at
 *                           once; by default only a member without a stable name does
 */
public record RecoveryConfig(String instanceName, GroupProtocol groupProtocol, boolean transactionalState,
                             boolean leaveGroupOnStop) {

    public static final String EMBEDDED_INSTANCE_NAME = "stitch-embedded";
    /** Says "no stable name", also in the embedded default: a new member on every start. */
    public static final String NO_NAME = "none";

    /** What Kafka accepts in a group.instance.id, less room for the "-N" Kafka Streams adds per thread. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    static RecoveryConfig read(EnvironmentReader read, boolean embedded) {
        String name = read.text("STITCH_INSTANCE_NAME", embedded ? EMBEDDED_INSTANCE_NAME : null);
        if (NO_NAME.equalsIgnoreCase(name)) {
            name = null;
        } else if (name != null && !NAME.matcher(name).matches()) {
            read.problem("STITCH_INSTANCE_NAME=\"" + name + "\" is not valid: expected 1 to 200 letters, digits, '.', '_' or '-'");
        }
        GroupProtocol protocol = read.choice("STITCH_GROUP_PROTOCOL", GroupProtocol.class, GroupProtocol.CLASSIC);
        return new RecoveryConfig(name, protocol,
                read.flag("STITCH_TRANSACTIONAL_STATE", true),
                read.flag("STITCH_LEAVE_GROUP_ON_STOP", name == null));
    }

    /** Sets what this says on the Kafka Streams properties, unless a KAFKA_ variable already set it. */
    public void applyTo(Properties props) {
        if (instanceName != null) {
            // Kafka Streams adds "-<thread>" for each stream thread's consumer.
            props.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceName);
        }
        props.putIfAbsent(StreamsConfig.GROUP_PROTOCOL_CONFIG, groupProtocol.name().toLowerCase(Locale.ROOT));
        props.putIfAbsent(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, Boolean.toString(transactionalState));
    }
}
