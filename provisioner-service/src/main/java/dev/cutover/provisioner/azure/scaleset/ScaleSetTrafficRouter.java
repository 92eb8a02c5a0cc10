package dev.cutover.provisioner.azure.scaleset;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.network.fluent.models.LoadBalancerInner;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.traffic.RouterHandle;
import dev.cutover.provisioner.traffic.TrafficRouter;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A scale set's traffic through its Azure Load Balancer, which has no weights: a slot with weight above 0 has its
 * instance in the backend pool {@code serving}, a slot at 0 (or not named) is out of it. Membership is the instance's
 * own NIC configuration ({@code PUT .../virtualMachines/{id}} with its ipConfiguration's
 * {@code loadBalancerBackendAddressPools}): only instances whose membership changes are written, joins before
 * leaves, so the pool is never emptier than both sets. The handle's URL is the load balancer's frontend; its admin
 * URL {@code azure-monitor:<scale set id>}, where the scale set's metrics are (rolling judges by health checks, not by
 * a canary analysis). Router security (HTTPS redirect, HSTS, CSP) cannot be set on a layer-4 load balancer: it is
 * accepted and left to the application (the infrastructure plan lists it as not honoured there).
 */
public class ScaleSetTrafficRouter implements TrafficRouter {

    private static final Logger LOG = Logger.getLogger(ScaleSetTrafficRouter.class);

    private final ScaleSets arm;
    private final Placement placement;
    private final Duration drainTimeout;

    public ScaleSetTrafficRouter(ScaleSetClients clients, Placement placement, Duration operationTimeout,
                                 Duration drainTimeout) {
        this.arm = new ScaleSets(clients, operationTimeout);
        this.placement = placement;
        this.drainTimeout = drainTimeout;
    }

    /** The load balancer, created (internal, in the target's subnet) when the target has none yet. */
    @Override
    public RouterHandle ensure(Target target, int routerPort, Long knownPid) throws ProvisioningException {
        ScaleSetNames n = ScaleSetNames.of(target, placement, arm.clients().subscriptionId());
        LoadBalancerInner lb = arm.loadBalancer(n).orElse(null);
        if (lb == null) {
            lb = arm.createLoadBalancer(n);
            LOG.infof("Load balancer %s created for %s", n.loadBalancer(), target);
        }
        String url = ScaleSets.frontendUrl(n, lb);
        return new RouterHandle(url, "azure-monitor:" + n.scaleSetId(), URI.create(url).getPort(), null);
    }

    @Override
    public void apply(Target target, RouterHandle router, List<Backend> backends) throws ProvisioningException {
        ScaleSetNames n = ScaleSetNames.of(target, placement, arm.clients().subscriptionId());
        VirtualMachineScaleSetInner set = arm.scaleSet(n).orElse(null);
        Set<String> wanted = new TreeSet<>();
        Map<String, String> slots = set == null ? Map.of() : ScaleSets.slots(set);
        for (Backend b : backends) {
            if (b.weight() <= 0) {
                continue;
            }
            String id = slots.get(b.id());
            if (id == null) {
                throw ScaleSetFailure.infrastructure("slot " + b.id() + " should take traffic but scale set "
                        + n.scaleSet() + " has no instance for it (slots: " + new TreeMap<>(slots).keySet() + ")");
            }
            wanted.add(id);
        }
        if (set == null) {
            return; // no scale set, no instance: an empty pool is what was asked
        }
        List<VirtualMachineScaleSetVMInner> join = new ArrayList<>();
        List<VirtualMachineScaleSetVMInner> leave = new ArrayList<>();
        Set<String> existing = new HashSet<>();
        for (VirtualMachineScaleSetVMInner vm : arm.instances(n)) {
            existing.add(vm.instanceId());
            boolean in = ScaleSets.serving(n, vm);
            if (wanted.contains(vm.instanceId()) && !in) {
                join.add(vm);
            } else if (!wanted.contains(vm.instanceId()) && in) {
                leave.add(vm);
            }
        }
        for (String id : wanted) {
            if (!existing.contains(id)) {
                throw ScaleSetFailure.infrastructure("instance " + id + " of " + n.scaleSet()
                        + " should take traffic but does not exist");
            }
        }
        for (VirtualMachineScaleSetVMInner vm : join) {
            arm.setServing(n, vm, true);
        }
        for (VirtualMachineScaleSetVMInner vm : leave) {
            arm.setServing(n, vm, false);
        }
        // read back: the load balancer must list exactly the wanted instances
        LoadBalancerInner lb = arm.loadBalancer(n).orElseThrow(() -> ScaleSetFailure.misconfigured(
                "load balancer " + n.loadBalancer() + " disappeared"));
        Set<String> members = new TreeSet<>(ScaleSets.poolMembers(n, lb));
        if (!members.equals(wanted)) {
            throw ScaleSetFailure.infrastructure("backend pool " + ScaleSetNames.POOL + " of " + n.loadBalancer()
                    + " has instances " + members + " after the change, not " + wanted);
        }
        if (!join.isEmpty() || !leave.isEmpty()) {
            LOG.infof("Backend pool of %s: %s (joined %s, left %s)", n.loadBalancer(), members,
                    join.stream().map(VirtualMachineScaleSetVMInner::instanceId).toList(),
                    leave.stream().map(VirtualMachineScaleSetVMInner::instanceId).toList());
        }
    }

    @Override
    public void secure(Target target, RouterHandle router, RouterSecurity security) {
        LOG.debugf("Router security of %s not set on load balancer (layer 4): https-only %s, hsts %s, csp %s",
                target, security.httpsOnly(), security.hsts(), security.csp() != null);
    }

    /**
     * Waits (bounded) until the load balancer no longer lists the slot's instance in its pool; the requests still in
     * flight to it finish there (Azure Load Balancer keeps established flows; the stand-in waits for them before
     * it deletes or upgrades the instance).
     */
    @Override
    public boolean awaitDrained(Target target, RouterHandle router, String backendId) {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try {
            ScaleSetNames n = ScaleSetNames.of(target, placement, arm.clients().subscriptionId());
            VirtualMachineScaleSetInner set = arm.scaleSet(n).orElse(null);
            String id = set == null ? null : ScaleSets.slots(set).get(backendId);
            if (id == null) {
                return true;
            }
            while (true) {
                LoadBalancerInner lb = arm.loadBalancer(n).orElse(null);
                if (lb == null || !ScaleSets.poolMembers(n, lb).contains(id)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(200);
            }
        } catch (ProvisioningException e) {
            LOG.warnf("Could not see slot %s of %s leave the load balancer: %s", backendId, target, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
