package dev.cutover.rollback.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.Topics;
import dev.cutover.rollback.saga.RollbackRecord;
import dev.cutover.rollback.saga.RollbackSaga;
import dev.cutover.rollback.work.WorkLogRollbackStore;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Ownership of targets: the partitions of {@code rollback-in} this replica is assigned (the same numbers on both
 * topics, RangeAssignor). On assignment, before any record of those partitions is delivered (it runs on the poll
 * thread), the rollbacks recorded in those partitions of the work log are resumed and the provisioner commands they
 * wait for are sent again (same messageId), before any new command of theirs can be. On revocation (or loss) they
 * are dropped here silently: the new owner resumes them.
 */
@ApplicationScoped
@Identifier(RollbackRebalanceListener.NAME)
public class RollbackRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The channel's {@code consumer-rebalance-listener.name}. */
    public static final String NAME = "rollback-ownership";
    private static final Logger LOG = Logger.getLogger(RollbackRebalanceListener.class);
    private static final int READ_ATTEMPTS = 3;

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    @Inject
    RollbackSaga saga;

    @Inject
    WorkLogRollbackStore store;

    /** Looked up at the first assignment: the listener itself is looked up while the channels are being wired. */
    @Inject
    Instance<RollbackPublisher> publisher;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> numbers = numbers(partitions);
        if (numbers.isEmpty()) {
            return;
        }
        owned.addAll(numbers);
        Collection<RollbackRecord> records = read(numbers);
        List<Message> resend = saga.resume(records);
        LOG.infof("Assigned partitions %s: %d rollback record(s), %d command(s) sent again", numbers, records.size(),
                resend.size());
        try {
            if (!resend.isEmpty()) {
                publisher.get().publishAll(resend);
            }
        } catch (RuntimeException e) {
            // the rollback's deadline fails it if the provisioner never hears of it
            LOG.errorf("Partitions %s: cannot send again what resumed rollbacks wait for: %s", numbers, e.getMessage());
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> numbers = numbers(partitions);
        if (numbers.isEmpty()) {
            return;
        }
        owned.removeAll(numbers);
        saga.release(numbers);
        LOG.infof("Revoked partitions %s: their rollbacks are left to the new owner", numbers);
    }

    /**
     * The work log of {@code numbers}, tried {@value #READ_ATTEMPTS} times (a broker that is briefly unreachable);
     * then the failure goes to the consumer, which fails the channel (health DOWN): a replica that cannot know its
     * targets' rollbacks must not take their records.
     */
    private Collection<RollbackRecord> read(Set<Integer> numbers) {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.read(numbers);
            } catch (RuntimeException e) {
                if (attempt >= READ_ATTEMPTS) {
                    throw e;
                }
                LOG.warnf("Partitions %s: work log not read (attempt %d of %d): %s", numbers, attempt, READ_ATTEMPTS,
                        e.getMessage());
            }
        }
    }

    /** Whether this replica owns partition {@code partition} (of both topics, and of the work log). */
    public boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** The partitions owned now. */
    public Set<Integer> owned() {
        return new TreeSet<>(owned);
    }

    /** The partition numbers of the command topic among {@code partitions} (the provisioner events' are the same). */
    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(tp -> tp.topic().equals(Topics.ROLLBACK_COMMANDS))
                .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }
}
