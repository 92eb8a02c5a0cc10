package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.rollback.config.RollbackConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;

/**
 * Nothing moves until the operator decides: the plan is one {@link RollbackStep.AwaitOperator}. The decision
 * arrives as a new StartRollback for the same deployment (e.g. {@code immediate} after POST /rollback), which
 * replaces this one, or as a CancelRollback (the operator promoted), which drops it. Without a decision within
 * {@code cutover.rollback.manual-wait} the rollback fails.
 */
@ApplicationScoped
public class ManualRollbackStrategy implements RollbackStrategy {

    private final Duration wait;

    @Inject
    public ManualRollbackStrategy(RollbackConfig config) {
        this(config.manualWait());
    }

    public ManualRollbackStrategy(Duration wait) {
        this.wait = wait;
    }

    @Override
    public String name() {
        return MANUAL;
    }

    @Override
    public List<RollbackStep> plan(StartRollback command) {
        return List.of(new RollbackStep.AwaitOperator(wait));
    }
}
