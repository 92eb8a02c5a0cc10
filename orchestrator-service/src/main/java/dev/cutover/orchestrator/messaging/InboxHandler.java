package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Topics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The orchestrator's one consuming channel: the requests topic and the four agent event topics together, so the
 * consumer group (RangeAssignor) gives partition p of every one of them, i.e. the same targets, to one replica
 * ({@code replication.Ownership}). Each record is handled in order on one worker thread; what cannot be read goes to
 * the dead-letter topic of its own topic ({@link PerTopicDeadLetterQueue}).
 */
@ApplicationScoped
public class InboxHandler {

    public static final String CHANNEL = "inbox";

    @Inject
    DeploymentRequestHandler requests;

    @Inject
    AgentEventHandler events;

    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        if (Topics.DEPLOYMENT_REQUESTS.equals(record.topic())) {
            requests.handle(record);
        } else {
            events.handle(record);
        }
    }
}
