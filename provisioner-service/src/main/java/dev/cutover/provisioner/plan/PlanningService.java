package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers PlanInfrastructure with InfrastructurePlanned and ApplyInfrastructure with InfrastructureApplied, through
 * the planner of the command's placement provider ({@code local}, {@code azure}): the one place a plan's provider is
 * picked. Never throws: a failure becomes ProvisioningFailed (operation {@code plan} / {@code apply}) with its cause
 * and what an apply had created before it. Commands of one target must come one at a time (its lane).
 */
public class PlanningService {

    private static final Logger LOG = Logger.getLogger(PlanningService.class);
    public static final String PLAN = "plan";
    public static final String APPLY = "apply";

    private final Map<String, InfrastructurePlanner> planners;

    public PlanningService(List<InfrastructurePlanner> planners) {
        this.planners = planners.stream().collect(Collectors.toMap(InfrastructurePlanner::provider,
                Function.identity()));
    }

    /** Is this a command for this service (as opposed to the slot commands)? */
    public static boolean handles(ProvisionerCommand command) {
        return command instanceof PlanInfrastructure || command instanceof ApplyInfrastructure;
    }

    public static String operation(ProvisionerCommand command) {
        return command instanceof ApplyInfrastructure ? APPLY : PLAN;
    }

    public ProvisionerEvent handle(ProvisionerCommand command) {
        PlanRequest request = command instanceof ApplyInfrastructure a ? PlanRequest.of(a)
                : PlanRequest.of((PlanInfrastructure) command);
        String operation = operation(command);
        try {
            InfrastructurePlanner planner = planner(request);
            if (command instanceof ApplyInfrastructure apply) {
                InfrastructurePlanner.Applied applied = planner.apply(request, apply.planId());
                LOG.infof("Plan %s of %s applied: %d created, %d updated (deployment %s)",
                        PlanId.shortId(apply.planId()), request.target(), applied.created().size(),
                        applied.updated().size(), request.meta().deploymentId());
                return new InfrastructureApplied(Meta.causedBy(request.meta()), request.target(), apply.planId(),
                        applied.created(), applied.updated());
            }
            InfrastructurePlan plan = planner.plan(request);
            LOG.infof("Plan %s of %s (%s %s): %d change(s)%s%s, %s %s/month (deployment %s)", PlanId.shortId(plan.id()),
                    request.target(), plan.provider(), plan.kind(),
                    plan.changes().stream().filter(c -> c.action() != InfrastructurePlan.Action.UNCHANGED).count(),
                    plan.blocked() ? ", BLOCKED" : "", plan.unhonoured().isEmpty() ? ""
                            : ", not honoured: " + plan.unhonoured().stream().map(InfrastructurePlan.UnhonouredKey::key)
                            .toList(),
                    plan.cost() == null ? "?" : plan.cost().monthlyTotal(), plan.cost() == null ? "" : plan.cost().currency(),
                    request.meta().deploymentId());
            return new InfrastructurePlanned(Meta.causedBy(request.meta()), request.target(), plan);
        } catch (PlanningException e) {
            return failed(request, operation, e.getMessage(), e.kind(), e.createdResources());
        } catch (RuntimeException e) {
            return failed(request, operation, e.toString(), FailureCause.INFRASTRUCTURE, List.of());
        }
    }

    private InfrastructurePlanner planner(PlanRequest request) throws PlanningException {
        InfrastructurePlanner planner = planners.get(request.provider());
        if (planner == null) {
            throw PlanningException.configuration("no infrastructure planner for provider '" + request.provider()
                    + "' (known: " + planners.keySet().stream().sorted().toList() + ")");
        }
        return planner;
    }

    private static ProvisioningFailed failed(PlanRequest request, String operation, String reason, FailureCause cause,
                                             List<String> created) {
        LOG.warnf("%s of %s failed (deployment %s, %s%s): %s", operation, request.target(),
                request.meta().deploymentId(), cause, created.isEmpty() ? "" : ", created before failing: " + created,
                reason);
        return new ProvisioningFailed(Meta.causedBy(request.meta()), request.target(), null, operation, reason, cause,
                created);
    }
}
