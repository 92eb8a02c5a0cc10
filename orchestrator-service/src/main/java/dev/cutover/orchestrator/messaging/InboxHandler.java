package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Topics;
import dev.cutover.events.kafka.TargetLanes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator's one consuming channel: the requests topic and the four agent event topics together, so the
 * consumer group (RangeAssignor) gives partition p of every one of them, i.e. the same targets, to one replica
 * ({@code replication.Ownership}). Each record runs in its target's lane (its key): one at a time and in arrival
 * order per target, side by side across targets, so one deployment's acked writes do not hold up another's
 * decision. A record is acknowledged when its lane has handled it (throttled commits: nothing past the oldest
 * unfinished record is committed, so a crash loses nothing); what cannot be read goes to the dead-letter topic of its
 * own topic ({@link PerTopicDeadLetterQueue}).
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

    private final TargetLanes lanes = new TargetLanes("orchestrator-lane");
    private Timer waited;
    private Timer handled;

    @PostConstruct
    void timers() {
        // where a decision's time goes (bench/scale.sh reads both): before the handler (the record's producer
        // timestamp to now: the broker, the fetch, the records of its target ahead of it) and in it (the target's
        // lock, the decision, the acked snapshot write and the acked command publish)
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
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> handle(Message<byte[]> message) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<String, byte[]> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> (ConsumerRecord<String, byte[]>) m.getRecord()).orElse(null);
        if (record == null) {
            return message.nack(new IllegalArgumentException("not a Kafka record"));
        }
        lanes.submit(String.valueOf(record.key()), () -> handle(record)).whenComplete((v, e) -> {
            if (e == null) {
                message.ack();
            } else {
                message.nack(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e);
            }
        });
        return CompletableFuture.completedFuture(null);
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted handling " + record.topic() + "-" + record.partition()
                    + "@" + record.offset(), e);
        } finally {
            handled.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    @PreDestroy
    void close() {
        // records not handled yet are not acknowledged: they are delivered again after a restart
        lanes.close();
    }
}
