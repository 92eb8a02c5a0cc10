package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

    @Inject
    MeterRegistry registry;

    private Timer waited;
    private Timer handled;

    @PostConstruct
    void timers() {
        // where a decision's time goes (bench/scale.sh reads both): before the handler (the record's producer
        // timestamp to now: the broker, the fetch, the records ahead of it) and in it (the lock, the decision, the
        // acked snapshot write and the acked command publish)
        waited = Timer.builder("cutover.orchestrator.inbox.wait")
                .description("From an inbox record's producer timestamp to its handling start")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        handled = Timer.builder("cutover.orchestrator.inbox.handling")
                .description("Handling one inbox record: decision, snapshot write and command publish")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        long started = System.nanoTime();
        long since = System.currentTimeMillis() - record.timestamp();
        if (since >= 0) {
            waited.record(since, TimeUnit.MILLISECONDS);
        }
        try {
            if (Topics.DEPLOYMENT_REQUESTS.equals(record.topic())) {
                requests.handle(record);
            } else {
                events.handle(record);
            }
        } finally {
            handled.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }
}
