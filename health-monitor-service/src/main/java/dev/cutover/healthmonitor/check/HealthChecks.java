package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.Meta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The running checks. A command id seen before (running or done) is ignored; a new command for the same
 * deployment and phase replaces the running check, whose verdict is then never reported.
 */
public class HealthChecks {

    private static final Logger LOG = Logger.getLogger(HealthChecks.class);
    /** Metric labels must stay bounded: anything else is reported as "other". */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern PATH_LABEL = Pattern.compile("/[A-Za-z0-9/_.-]{0,63}");

    private final ProbeClient client;
    private final ScheduledExecutorService scheduler;
    private final MeterRegistry registry;
    private final Consumer<HealthCheckCompleted> sink;
    private final Map<String, HealthCheckRun> running = new HashMap<>();
    private final Map<String, Boolean> seen;

    public HealthChecks(ProbeClient client, ScheduledExecutorService scheduler, MeterRegistry registry,
                        Consumer<HealthCheckCompleted> sink, int rememberedCommands) {
        this.client = client;
        this.scheduler = scheduler;
        this.registry = registry;
        this.sink = sink;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberedCommands;
            }
        };
    }

    /**
     * Starts the check unless this command was seen before; returns whether it started. Throws
     * {@link InvalidMessageException} for a command that cannot run (it goes to the dead-letter topic).
     */
    public synchronized boolean submit(RunHealthCheck command) {
        List<String> problems = CheckProgress.problems(command.baseUrl(), command.mode(), command.spec());
        if (!problems.isEmpty()) {
            throw new InvalidMessageException("invalid dev.cutover.healthmonitor.run-health-check.v1: "
                    + String.join("; ", problems));
        }
        if (seen.containsKey(command.meta().messageId())) {
            LOG.debugf("Ignoring redelivered command %s", command.meta().messageId());
            return false;
        }
        seen.put(command.meta().messageId(), Boolean.TRUE);
        String key = key(command);
        HealthCheckRun previous = running.remove(key);
        if (previous != null && !previous.finished()) {
            previous.cancel();
            LOG.infof("Replacing the running %s check of deployment %s target %s", command.phase(),
                    command.meta().deploymentId(), command.target());
        }
        HealthCheckRun run = new HealthCheckRun(command, client, scheduler, System::nanoTime, new Listener(command, key));
        running.put(key, run);
        LOG.infof("Starting %s check (%s) of deployment %s target %s slot %s: %s on %s", command.phase(),
                command.mode(), command.meta().deploymentId(), command.target(), command.slot(),
                command.spec().paths(), command.baseUrl());
        run.start();
        return true;
    }

    public synchronized int runningCount() {
        return running.size();
    }

    /** Stops every check without reporting (shutdown). */
    public synchronized void cancelAll() {
        running.values().forEach(HealthCheckRun::cancel);
        running.clear();
    }

    private synchronized void finished(String key, RunHealthCheck command) {
        HealthCheckRun current = running.get(key);
        if (current != null && current.command() == command) {
            running.remove(key);
        }
    }

    private static String key(RunHealthCheck command) {
        String deployment = command.meta().deploymentId() != null ? command.meta().deploymentId() : command.target().key();
        return deployment + "|" + command.phase();
    }

    private static String label(String value, Pattern allowed) {
        return value != null && allowed.matcher(value).matches() ? value : "other";
    }

    private final class Listener implements HealthCheckRun.Listener {
        private final RunHealthCheck command;
        private final String key;

        Listener(RunHealthCheck command, String key) {
            this.command = command;
            this.key = key;
        }

        @Override
        public void onRound(Round round) {
            for (ProbeResult probe : round.probes()) {
                Counter.builder("cutover.healthmonitor.probes")
                        .description("HTTP probes by path and result")
                        .tag("path", label(probe.path().split("\\?", 2)[0], PATH_LABEL))
                        .tag("result", Round.passed(probe) ? "pass" : "fail")
                        .register(registry).increment();
            }
        }

        @Override
        public void onDone(Verdict verdict, long durationMs) {
            String phase = label(command.phase(), LABEL);
            String outcome = verdict.passed() ? "passed" : "failed";
            Counter.builder("cutover.healthmonitor.checks").description("Finished health checks")
                    .tag("phase", phase).tag("outcome", outcome).register(registry).increment();
            Timer.builder("cutover.healthmonitor.check.duration").description("How long health checks took")
                    .tag("phase", phase).tag("outcome", outcome).register(registry)
                    .record(durationMs, TimeUnit.MILLISECONDS);
            finished(key, command);
            LOG.infof("%s check of deployment %s target %s slot %s %s after %d rounds in %d ms%s", command.phase(),
                    command.meta().deploymentId(), command.target(), command.slot(), outcome, verdict.rounds(),
                    durationMs, verdict.reason() == null ? "" : ": " + verdict.reason());
            sink.accept(new HealthCheckCompleted(Meta.causedBy(command.meta()), command.target(), command.slot(),
                    command.phase(), verdict.passed(), verdict.reason(), verdict.rounds(), verdict.lastProbes()));
        }
    }
}
