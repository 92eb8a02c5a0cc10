package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.Topics;
import dev.cutover.healthmonitor.work.WorkResumer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ownership of targets follows the command topic's partitions (channel property
 * {@code consumer-rebalance-listener.name=health-monitor-work}): partitions assigned to this replica have their
 * checks and analyses resumed from the work log before their records are delivered (this runs on the poll thread);
 * revoked ones have their runs stopped without a verdict.
 */
@ApplicationScoped
@Identifier(HealthMonitorRebalanceListener.NAME)
public class HealthMonitorRebalanceListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "health-monitor-work";

    private final WorkResumer resumer;

    @Inject
    HealthMonitorRebalanceListener(WorkResumer resumer) {
        this.resumer = resumer;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        resumer.assigned(commandPartitions(partitions));
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        resumer.revoked(commandPartitions(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        resumer.revoked(commandPartitions(partitions));
    }

    private static Set<Integer> commandPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> Topics.HEALTH_MONITOR_COMMANDS.equals(p.topic()))
                .map(TopicPartition::partition).collect(Collectors.toSet());
    }
}
