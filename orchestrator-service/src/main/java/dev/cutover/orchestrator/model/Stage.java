package dev.cutover.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One step of a deployment. {@code deadline} is absolute (not a duration) so that a restarted orchestrator
 * enforces the same timeout the stage started with; null means no deadline (an operator pause).
 * {@code pipeline} is the pipeline stage it belongs to (provision, deploy, test, promote, rollback; see
 * {@link Pipeline}).
 * <p>
 * {@code commandId} is the messageId of the command the stage issued when it started (null: none, or a stage
 * recorded before ids were kept), {@code commandCause} that command's causationId, and {@code resends} how often
 * the same command (same messageId, same content) was sent again while its reply was overdue. Both are left out
 * of the snapshot while unset, so snapshots written before them read and write back the same.
 */
public record Stage(String name, StageStatus status, Instant startedAt, Instant endedAt, String reason,
                    Instant deadline, Pipeline pipeline, String commandId, String commandCause,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int resends) {

    public static final String CONFIG = "config";
    /** Asking the provisioner what the target's infrastructure needs (PlanInfrastructure); nothing is changed. */
    public static final String PLAN = "plan";
    /** Creating / updating what the plan listed (ApplyInfrastructure). */
    public static final String APPLY = "apply";
    /** Waiting to plan again after a recoverable plan or apply failure; its deadline is the retry time. */
    public static final String REPLAN = "replan";
    public static final String PROVISION = "provision";
    /** Waiting to provision again after a recoverable failure before the switch; its deadline is the retry time. */
    public static final String RETRY = "retry";
    public static final String VERIFY = "verify";
    public static final String SWITCH = "switch";
    public static final String ANALYSIS = "analysis";
    public static final String MONITOR = "monitor";
    public static final String APPROVAL = "approval";
    public static final String PAUSE = "pause";
    public static final String RELEASE = "release";
    public static final String CLEANUP = "cleanup";
    public static final String ROLLBACK = "rollback";
    /** Rolling rollback: re-provisioning released old instances before traffic moves back to them. */
    public static final String RESTORE = "restore";

    public static Stage start(String name, Instant now, Instant deadline, Pipeline pipeline) {
        return new Stage(name, StageStatus.RUNNING, now, null, null, deadline, pipeline, null, null, 0);
    }

    public Stage end(StageStatus status, String reason, Instant now) {
        return new Stage(name, status, startedAt, now, reason, deadline, pipeline, commandId, commandCause, resends);
    }

    /** The stage with the messageId (and causationId) of the command it issued. */
    public Stage commanded(String id, String cause) {
        return new Stage(name, this.status, startedAt, endedAt, reason, deadline, pipeline, id, cause, resends);
    }

    /** The stage after its command was sent once more. */
    public Stage resent() {
        return new Stage(name, this.status, startedAt, endedAt, reason, deadline, pipeline, commandId, commandCause,
                resends + 1);
    }

    public boolean running() {
        return status == StageStatus.RUNNING;
    }
}
