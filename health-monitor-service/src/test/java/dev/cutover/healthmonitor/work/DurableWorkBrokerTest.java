package dev.cutover.healthmonitor.work;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.kafka.WorkLog;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.analysis.DataPlane;
import dev.cutover.healthmonitor.analysis.Traffic;
import dev.cutover.healthmonitor.check.HealthChecks;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import dev.cutover.healthmonitor.check.RunningCommands;
import dev.cutover.healthmonitor.check.TestHttpServer;
import dev.cutover.healthmonitor.metrics.provider.RouterMetricProvider;
import dev.cutover.testing.kafka.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash and take-over on the real broker: work is recorded through one engine instance, that instance is thrown
 * away mid-run (its scheduler stopped, nothing published), a fresh instance built from the work log resumes it and
 * publishes the verdict within the original window, and a re-sent command after that is answered from the log.
 */
class DurableWorkBrokerTest {

    private static final int PARTITIONS = 2;

    final List<AutoCloseable> closing = new ArrayList<>();
    final String commandTopic = "cutover.test-" + UUID.randomUUID() + ".healthmonitor.commands";

    /** One replica's engines over the work log, publishing into {@code published}. */
    final class Replica implements AutoCloseable {
        final List<Message> published = new CopyOnWriteArrayList<>();
        final List<Instant> publishedAt = new CopyOnWriteArrayList<>();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final KafkaWorkJournal journal;
        /** Every record this replica wrote, once the log acknowledged it. */
        final List<WorkRecord> written = new CopyOnWriteArrayList<>();
        final HealthChecks checks;
        final Analyses analyses;
        final WorkResumer resumer;

        Replica() {
            WorkLog log = new WorkLog(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()), commandTopic,
                    Duration.ofSeconds(20));
            log.ensureTopic((short) 1);
            // the first write to a fresh topic waits for its metadata: not part of what is measured here
            log.put("warm/up", "warm-up", new byte[] {'{', '}'});
            log.remove("warm/up", "warm-up");
            journal = new KafkaWorkJournal(log, Duration.ofHours(1), Clock.systemUTC());
            var checkScheduler = RunningCommands.daemonScheduler("test-check", 2);
            checks = new HealthChecks(new HttpProbeClient(checkScheduler, 200), checkScheduler, registry, this::publish,
                    100);
            var analysisScheduler = RunningCommands.daemonScheduler("test-analysis", 2);
            HttpClient http = HttpClient.newBuilder().executor(analysisScheduler).build();
            analyses = new Analyses(new RouterMetricProvider(http, 2000), new HttpProbeClient(analysisScheduler, 200),
                    analysisScheduler, registry, this::publish, 50, 1000, 100);
            WorkJournal noting = (command, record) -> {
                journal.record(command, record);
                written.add(record);
            };
            checks.recordWorkIn(noting);
            analyses.recordWorkIn(noting);
            resumer = new WorkResumer(journal, List.of(checks, analyses));
        }

        private void publish(Message verdict) {
            publishedAt.add(Instant.now());
            published.add(verdict);
        }

        /** What a SIGKILL leaves: nothing more runs or is published; the work log keeps what was written. */
        void crash() {
            checks.shutdown();
            analyses.shutdown();
        }

        int assignAll() {
            return resumer.assigned(IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet()));
        }

        List<Message> causedBy(Message command) {
            return published.stream().filter(m -> command.meta().messageId().equals(m.meta().causationId())).toList();
        }

        @Override
        public void close() {
            crash();
            journal.close();
        }
    }

    Replica replica() {
        Replica r = new Replica();
        closing.add(r);
        return r;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private void createCommandTopic() throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(commandTopic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The latest record {@code replica} wrote for {@code command}, null if none. */
    private static WorkRecord written(Replica replica, Message command) {
        WorkRecord latest = null;
        for (WorkRecord r : replica.written) {
            if (r.decodedCommand().meta().messageId().equals(command.meta().messageId())) {
                latest = r;
            }
        }
        return latest;
    }

    /** What the work log holds for {@code command}, read back from the broker. */
    private WorkRecord recorded(Replica replica, Message command) {
        return replica.journal.read(Set.of(0, 1)).stream()
                .filter(r -> r.decodedCommand().meta().messageId().equals(command.meta().messageId()))
                .findFirst().orElse(null);
    }

    /**
     * Not before the original window's end, and sooner than a window started afresh at the take-over could end: the
     * restart neither shortened nor stretched the window.
     */
    static void assertWithinTheOriginalWindow(Instant startedAt, Instant resumedAt, Instant decidedAt, long windowMs) {
        long afterStart = Duration.between(startedAt, decidedAt).toMillis();
        long afterResume = Duration.between(resumedAt, decidedAt).toMillis();
        assertTrue(afterStart >= windowMs, "decided " + afterStart + " ms after the start of a " + windowMs
                + " ms window");
        assertTrue(afterResume < windowMs, "decided " + afterResume + " ms after the take-over: the " + windowMs
                + " ms window was started again");
    }

    @Test
    void anAnalysisCutOffByACrashIsDecidedByTheNextReplicaWithinItsOriginalWindow() throws Exception {
        createCommandTopic();
        DataPlane plane = DataPlane.start(Map.of(), 50);
        closing.add(plane);
        Traffic traffic = Traffic.start(plane.trafficUrl(), 4, 200_000);
        closing.add(traffic);
        long windowMs = 10_000;
        RunAnalysis command = new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "test"),
                DataPlane.CANARY, DataPlane.STABLE, 1, 50, plane.metricsUrl(), plane.canaryUrl(),
                new AnalysisSpec(windowMs, 250, 20, 0, 0, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05, 2000,
                        List.of("/health"), 2));

        Replica first = replica();
        assertTrue(first.analyses.submit(command));
        WorkRecord running = written(first, command);
        assertEquals(WorkRecord.State.RUNNING, running.state(), "recorded before submit returned");
        Instant startedAt = running.startedAt();
        assertEquals(startedAt.plusMillis(windowMs), running.deadline());
        await().atMost(Duration.ofSeconds(10)).until(() -> written(first, command).window() != null);
        assertEquals(WorkRecord.Phase.COMPARISON, written(first, command).window().phase());
        // some of the window's traffic happens before the crash
        await().atMost(Duration.ofSeconds(10)).until(() -> traffic.completed() > 50);
        first.crash();
        assertTrue(first.published.isEmpty(), "cut off before its verdict");
        WorkRecord durable = recorded(first, command);
        assertEquals(WorkRecord.State.RUNNING, durable.state());
        assertEquals(WorkRecord.Phase.COMPARISON, durable.window().phase(), "the window's start is in the log");
        assertNotNull(durable.window().checkpoint(), "with the router's counters at the window's start");

        Replica second = replica();
        Instant resumedAt = Instant.now();
        assertEquals(1, second.assignAll());
        await().atMost(Duration.ofSeconds(25)).until(() -> !second.causedBy(command).isEmpty());

        AnalysisCompleted done = (AnalysisCompleted) second.causedBy(command).get(0);
        assertEquals(Verdict.PASS, done.verdict(), done.decision().summary());
        assertWithinTheOriginalWindow(startedAt, resumedAt, second.publishedAt.get(0), windowMs);
        assertTrue(done.decision().windowMs() >= windowMs, "the whole window counted: " + done.decision().windowMs());
        await().atMost(Duration.ofSeconds(15)).until(() -> recorded(second, command).state() == WorkRecord.State.DONE);

        // (c) the orchestrator asks again: a third replica answers from the log, nothing runs
        Replica third = replica();
        assertEquals(0, third.assignAll());
        assertFalse(third.analyses.submit(command));
        assertEquals(List.of(done), third.causedBy(command));
        assertEquals(0, third.analyses.runningCount());
    }

    @Test
    void aCheckCutOffByACrashEndsAtItsOriginalDeadlineAndADuplicateIsAnsweredFromTheLog() throws Exception {
        createCommandTopic();
        AtomicInteger hits = new AtomicInteger();
        TestHttpServer app = new TestHttpServer().script("/health", n -> {
            hits.set(n);
            return 200;
        }, "{\"status\":\"UP\"}");
        closing.add(app);
        long windowMs = 10_000;
        RunHealthCheck command = new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "test"),
                "green", app.baseUrl(), "post-switch", CheckMode.WATCH,
                new HealthCheckSpec(List.of("/health"), 2000, 200, 0, 0, windowMs, 5));

        Replica first = replica();
        assertTrue(first.checks.submit(command));
        Instant startedAt = written(first, command).startedAt();
        await().atMost(Duration.ofSeconds(10)).until(() -> hits.get() >= 2);
        first.crash();
        assertTrue(first.published.isEmpty(), "cut off before its verdict");

        Replica second = replica();
        Instant resumedAt = Instant.now();
        assertEquals(1, second.assignAll());
        await().atMost(Duration.ofSeconds(25)).until(() -> !second.causedBy(command).isEmpty());
        HealthCheckCompleted done = (HealthCheckCompleted) second.causedBy(command).get(0);
        assertTrue(done.passed(), done.reason());
        assertWithinTheOriginalWindow(startedAt, resumedAt, second.publishedAt.get(0), windowMs);

        int probesBefore = hits.get();
        assertFalse(second.checks.submit(command), "a duplicate after the verdict does not run again");
        assertEquals(List.of(done, done), second.causedBy(command), "it is answered with the same verdict");
        Replica third = replica();
        third.assignAll();
        assertFalse(third.checks.submit(command));
        assertEquals(List.of(done), third.causedBy(command));
        assertEquals(0, third.checks.runningCount());
        assertEquals(probesBefore, hits.get(), "no probe after the verdict");
    }

    @Test
    void decidedWorkIsPrunedOnceOlderThanItsRetentionAndRunningWorkIsKept() throws Exception {
        createCommandTopic();
        Replica replica = replica();
        RunHealthCheck decided = new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "a"),
                "green", "http://127.0.0.1:1", "pre-switch", CheckMode.UNTIL_HEALTHY,
                new HealthCheckSpec(List.of("/health"), 500, 100, 1, 5000, 0, 2));
        RunHealthCheck running = new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "b"),
                "green", "http://127.0.0.1:1", "pre-switch", CheckMode.UNTIL_HEALTHY,
                new HealthCheckSpec(List.of("/health"), 500, 100, 1, 5000, 0, 2));
        Instant now = Instant.now();
        HealthCheckCompleted verdict = new HealthCheckCompleted(Meta.causedBy(decided.meta()), decided.target(), "green",
                "pre-switch", true, null, 1, List.of());
        replica.journal.record(decided, WorkRecord.done(decided, verdict, now));
        replica.journal.record(running, WorkRecord.running(running, now, now.plusSeconds(5), null));
        assertEquals(0, replica.journal.prune(), "within the retention");

        WorkLog log = new WorkLog(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()), commandTopic,
                Duration.ofSeconds(20));
        log.ensureTopic((short) 1);
        KafkaWorkJournal later = new KafkaWorkJournal(log, Duration.ofHours(1),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
        closing.add(later);
        List<WorkRecord> left = later.read(Set.of(0, 1));
        assertEquals(List.of(WorkRecord.State.RUNNING), left.stream().map(WorkRecord::state).toList(),
                "the decided work was older than its retention: tombstoned, not handed out");
        assertEquals(0, later.prune(), "nothing old is left");
        assertEquals(1, replica.journal.read(Set.of(0, 1)).size(), "the tombstone is in the log");
    }

    @Test
    void aRevokedPartitionsChecksStopSilentlyAndTheNewOwnerDecidesThem() throws Exception {
        createCommandTopic();
        AtomicInteger hits = new AtomicInteger();
        TestHttpServer app = new TestHttpServer().script("/health", n -> {
            hits.set(n);
            return 200;
        }, "{\"status\":\"UP\"}");
        closing.add(app);
        RunHealthCheck command = new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "test"),
                "green", app.baseUrl(), "post-switch", CheckMode.WATCH,
                new HealthCheckSpec(List.of("/health"), 2000, 200, 0, 0, 8000, 5));
        Replica leaving = replica();
        Replica taking = replica();
        assertTrue(leaving.checks.submit(command));
        await().atMost(Duration.ofSeconds(8)).until(() -> hits.get() >= 1);

        assertEquals(1, leaving.resumer.revoked(Set.of(0, 1)));
        assertEquals(0, leaving.checks.runningCount());
        assertEquals(1, taking.assignAll());
        await().atMost(Duration.ofSeconds(15)).until(() -> !taking.causedBy(command).isEmpty());
        assertTrue(((HealthCheckCompleted) taking.causedBy(command).get(0)).passed());
        await().during(500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> leaving.published.isEmpty());
    }
}
