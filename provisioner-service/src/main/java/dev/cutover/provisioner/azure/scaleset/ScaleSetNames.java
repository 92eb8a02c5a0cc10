package dev.cutover.provisioner.azure.scaleset;

import dev.cutover.events.Placement;
import dev.cutover.events.Target;
import dev.cutover.provisioner.azure.ArmException;
import dev.cutover.provisioner.azure.plan.AzureNames;
import dev.cutover.provisioner.plan.PlanningException;

/**
 * The ARM names of a target's scale set and its load balancer, from the placement's {@code target.azure.*}: the scale
 * set is {@code name} (default application-environment), the load balancer {@code <name>-lb} with backend pool
 * {@code serving}, inbound NAT pool {@code instances} and frontend {@code frontend}; the subnet
 * {@code <name>-vnet/default} belongs to the infrastructure plan, whose naming ({@link AzureNames}) this follows.
 */
record ScaleSetNames(String subscriptionId, String resourceGroup, String region, String scaleSet, String keyVault) {

    static final String POOL = "serving";
    static final String NAT_POOL = "instances";
    static final String FRONTEND = "frontend";
    static final String NIC = "nic";
    static final String IP_CONFIGURATION = "ipconfig";

    /** The names the infrastructure plan gives the target ({@link AzureNames}), so both find the same scale set. */
    static ScaleSetNames of(Target target, Placement placement, String defaultSubscription) throws ArmException {
        if (placement == null) {
            throw ScaleSetFailure.misconfigured("scale-set target " + target + " has no placement");
        }
        AzureNames names;
        try {
            names = AzureNames.of(target, placement, defaultSubscription);
        } catch (PlanningException e) {
            throw ScaleSetFailure.misconfigured(e.getMessage());
        }
        return new ScaleSetNames(names.subscriptionId(), names.resourceGroup(), names.region(), names.name(),
                names.keyVault());
    }

    /** From an instance's ARM id ({@code .../virtualMachineScaleSets/{n}/virtualMachines/{i}}). */
    static ScaleSetNames ofInstance(String instanceArmId) {
        String[] seg = instanceArmId.replaceAll("^/+", "").split("/");
        return new ScaleSetNames(seg[1], seg[3], null, seg[7], null);
    }

    static String instanceIdOf(String instanceArmId) {
        return instanceArmId.substring(instanceArmId.lastIndexOf('/') + 1);
    }

    String group() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    String scaleSetId() {
        return group() + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + scaleSet;
    }

    String instanceArmId(String instanceId) {
        return scaleSetId() + "/virtualMachines/" + instanceId;
    }

    String loadBalancer() {
        return scaleSet + "-lb";
    }

    String loadBalancerId() {
        return group() + "/providers/Microsoft.Network/loadBalancers/" + loadBalancer();
    }

    String poolId() {
        return loadBalancerId() + "/backendAddressPools/" + POOL;
    }

    String natPoolId() {
        return loadBalancerId() + "/inboundNatPools/" + NAT_POOL;
    }

    String frontendId() {
        return loadBalancerId() + "/frontendIPConfigurations/" + FRONTEND;
    }

    String subnetId() {
        return group() + "/providers/Microsoft.Network/virtualNetworks/" + scaleSet + "-vnet/subnets/default";
    }

}
