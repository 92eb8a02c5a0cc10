package dev.cutover.orchestrator.replication;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows a whole topic for as long as it runs: every partition assigned (no consumer group, nothing committed),
 * read from the beginning, read_committed, each record handed to {@code sink} on the tail's own thread. Every
 * replica tails the state topic and the members topic this way, so each sees every other's writes.
 * {@link #awaitCaughtUp} waits until what was on the topic when it was called has been handed over.
 */
public final class TopicTail implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicTail.class);

    private final String topic;
    private final Duration timeout;
    private final Consumer<ConsumerRecord<String, byte[]>> sink;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Queue<CompletableFuture<Void>> barriers = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param kafka client properties (at least bootstrap.servers); only the consumer's own are used
     * @param sink  called with every record in offset order per partition (a null value is a tombstone)
     */
    public TopicTail(Map<String, Object> kafka, String topic, String clientId, Duration timeout,
                     Consumer<ConsumerRecord<String, byte[]>> sink) {
        this.topic = topic;
        this.timeout = timeout;
        this.sink = sink;
        Map<String, Object> c = new HashMap<>();
        Set<String> names = ConsumerConfig.configNames();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                c.put(k, v);
            }
        });
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the first read of a large state topic: fewer, larger fetches (Kafka's default is 1 MiB per partition)
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tail-" + topic);
        this.thread.setDaemon(true);
    }

    /** Assigns every partition the topic has now, from the beginning, and starts following it. */
    public TopicTail start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (missing?)");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    public String topic() {
        return topic;
    }

    /**
     * Waits until every record that was on the topic when this was called (its end offsets then) has been given to
     * the sink.
     *
     * @return false if that took longer than {@code wait}
     */
    public boolean awaitCaughtUp(Duration wait) throws InterruptedException {
        CompletableFuture<Void> barrier = new CompletableFuture<>();
        barriers.add(barrier);
        consumer.wakeup();
        try {
            barrier.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("tail of " + topic + " failed", e.getCause());
        }
    }

    private void run() {
        Map<TopicPartition, Long> target = null;
        List<CompletableFuture<Void>> waiting = new java.util.ArrayList<>();
        while (running) {
            try {
                CompletableFuture<Void> b;
                while ((b = barriers.poll()) != null) {
                    waiting.add(b);
                    target = null; // a barrier from now: the end offsets as of now
                }
                if (!waiting.isEmpty()) {
                    if (target == null) {
                        target = consumer.endOffsets(consumer.assignment(), timeout);
                    }
                    if (reached(target)) {
                        waiting.forEach(w -> w.complete(null));
                        waiting.clear();
                        target = null;
                        continue;
                    }
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        sink.accept(r);
                    } catch (RuntimeException e) {
                        LOG.errorf("%s-%d@%d: cannot apply record %s: %s", r.topic(), r.partition(), r.offset(),
                                r.key(), e.getMessage());
                    }
                }
            } catch (WakeupException e) {
                // a barrier arrived, or close()
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("tail of %s: %s; retrying", topic, e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        break;
                    }
                }
            }
        }
        waiting.forEach(w -> w.completeExceptionally(new IllegalStateException("tail closed")));
        barriers.forEach(w -> w.completeExceptionally(new IllegalStateException("tail closed")));
        consumer.close(Duration.ofSeconds(2));
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        if (end == null) {
            return false;
        }
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
