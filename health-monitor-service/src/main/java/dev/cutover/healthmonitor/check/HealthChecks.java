package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.Command;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.healthmonitor.work.WorkRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The running checks. A command id seen before is not run again (a decided one answers its recorded verdict
 * again); a new command for the same deployment and phase replaces the running check, whose verdict is then never
 * reported. Each check's work is recorded before {@link #submit} returns and resumed by {@link #resume}.
 */
public class HealthChecks extends RunningCommands<RunHealthCheck, HealthCheckRun> {

    private static final Logger LOG = Logger.getLogger(HealthChecks.class);
    /** Metric labels must stay bounded: anything else is reported as "other". */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern PATH_LABEL = Pattern.compile("/[A-Za-z0-9/_.-]{0,63}");

    private final ProbeClient client;
    private final MeterRegistry registry;
    private final Consumer<HealthCheckCompleted> sink;

    public HealthChecks(ProbeClient client, ScheduledExecutorService scheduler, MeterRegistry registry,
                        Consumer<HealthCheckCompleted> sink, int rememberedCommands) {
        super(scheduler, rememberedCommands);
        this.client = client;
        this.registry = registry;
        this.sink = sink;
    }

    @Override
    protected List<String> problems(RunHealthCheck command) {
        return CheckProgress.problems(command.baseUrl(), command.mode(), command.spec());
    }

    @Override
    protected HealthCheckRun newRun(RunHealthCheck command, String key, WorkRecord work) {
        return new HealthCheckRun(command, client, scheduler, System::nanoTime, new Listener(command, key),
                work.startedAt(), clock);
    }

    @Override
    protected Instant deadline(RunHealthCheck command, Instant startedAt) {
        return startedAt.plusMillis(command.mode() == CheckMode.UNTIL_HEALTHY ? command.spec().maxWaitMs()
                : command.spec().windowMs());
    }

    @Override
    protected void publish(Message verdict) {
        sink.accept((HealthCheckCompleted) verdict);
    }

    @Override
    protected boolean handles(Command message) {
        return message instanceof RunHealthCheck;
    }

    @Override
    protected void starting(RunHealthCheck command, HealthCheckRun replaced, boolean resumed) {
        if (resumed) {
            LOG.infof("Resuming the %s check of deployment %s target %s from the work log", command.phase(),
                    command.meta().deploymentId(), command.target());
        }
        if (replaced != null) {
            LOG.infof("Replacing the running %s check of deployment %s target %s", command.phase(),
                    command.meta().deploymentId(), command.target());
        }
        LOG.infof("Starting %s check (%s) of deployment %s target %s slot %s: %s on %s", command.phase(),
                command.mode(), command.meta().deploymentId(), command.target(), command.slot(),
                command.spec().paths(), command.baseUrl());
    }

    @Override
    protected String key(RunHealthCheck command) {
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
            LOG.infof("%s check of deployment %s target %s slot %s %s after %d rounds in %d ms%s", command.phase(),
                    command.meta().deploymentId(), command.target(), command.slot(), outcome, verdict.rounds(),
                    durationMs, verdict.reason() == null ? "" : ": " + verdict.reason());
            completed(key, command, new HealthCheckCompleted(Meta.causedBy(command.meta()), command.target(),
                    command.slot(), command.phase(), verdict.passed(), verdict.reason(), verdict.rounds(),
                    verdict.lastProbes()));
        }
    }
}
