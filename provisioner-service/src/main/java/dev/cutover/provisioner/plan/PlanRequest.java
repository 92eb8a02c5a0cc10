package dev.cutover.provisioner.plan;

import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;

import java.util.Map;

/**
 * What a plan is made from: the same fields in a PlanInfrastructure and the ApplyInfrastructure that carries it
 * out, so an apply can make the plan again and compare. {@code placement} absent: local processes.
 */
public record PlanRequest(Meta meta, Target target, Placement placement, Map<String, String> environment,
                          RouterSecurity security, Policy policy) {

    public PlanRequest {
        placement = placement == null ? Placement.local(1) : placement;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        policy = policy == null ? new Policy(null, null) : policy;
    }

    public static PlanRequest of(PlanInfrastructure c) {
        return new PlanRequest(c.meta(), c.target(), c.placement(), c.environment(), c.security(), c.policy());
    }

    public static PlanRequest of(ApplyInfrastructure c) {
        return new PlanRequest(c.meta(), c.target(), c.placement(), c.environment(), c.security(), c.policy());
    }

    /** {@code local} when the placement names none. */
    public String provider() {
        return placement.provider() == null || placement.provider().isBlank() ? Placement.LOCAL : placement.provider();
    }

    /** Environments named production (or prod...) must meet the production-only rules (private endpoint). */
    public boolean production() {
        return target.environment().toLowerCase(java.util.Locale.ROOT).startsWith("prod");
    }
}
