package dev.cutover.provisioner.traffic;

import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.provisioner.slot.ProvisioningException;

import java.util.List;

/** Sets and verifies a target's traffic weights. One implementation per provider (local now, azure later). */
public interface TrafficRouter {

    /**
     * Makes sure the target's router runs (reusing one that answers), starting it if needed. The handle says
     * where it is, its admin API included: callers report that, they never work it out themselves.
     *
     * @param knownPid the pid recorded when this provisioner started it, if any
     */
    RouterHandle ensure(Target target, int routerPort, Long knownPid) throws ProvisioningException;

    /**
     * Where a target's router port comes from when the command asks for one from the pool (routerPort 0); empty
     * for a router that has no port of its own here (a cloud router ignores the port).
     */
    default java.util.Optional<dev.cutover.provisioner.slot.PortPool> routerPorts() {
        return java.util.Optional.empty();
    }

    /** Replaces the router's backend set and reads it back to verify it took effect. */
    void apply(Target target, RouterHandle router, List<Backend> backends) throws ProvisioningException;

    /**
     * Sets what the router does to all its traffic (HTTPS redirect, HSTS, CSP) and reads it back to verify it took
     * effect; the next request sees it, none is dropped.
     */
    void secure(Target target, RouterHandle router, RouterSecurity security) throws ProvisioningException;

    /**
     * Waits (bounded) until the router has no request in flight to a backend removed from its set.
     *
     * @return true when drained, false when the wait timed out
     */
    boolean awaitDrained(Target target, RouterHandle router, String backendId);
}
