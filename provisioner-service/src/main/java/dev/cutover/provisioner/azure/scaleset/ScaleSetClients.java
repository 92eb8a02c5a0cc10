package dev.cutover.provisioner.azure.scaleset;

import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.VirtualMachineScaleSetVMsClient;
import com.azure.resourcemanager.compute.fluent.VirtualMachineScaleSetsClient;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.LoadBalancersClient;

/**
 * The SDK's service clients the scale-set provider calls (the generated ones, not the fluent wrappers: a fluent
 * scale-set update reads and rewrites the whole model and its network; these make exactly the calls the provider
 * means).
 */
public record ScaleSetClients(VirtualMachineScaleSetsClient scaleSets, VirtualMachineScaleSetVMsClient instances,
                              LoadBalancersClient loadBalancers, String subscriptionId) {

    /** Clients of one subscription (the managers'): the one a placement without its own subscription id uses. */
    public static ScaleSetClients of(ComputeManager compute, NetworkManager network) {
        return new ScaleSetClients(compute.serviceClient().getVirtualMachineScaleSets(),
                compute.serviceClient().getVirtualMachineScaleSetVMs(), network.serviceClient().getLoadBalancers(),
                compute.serviceClient().getSubscriptionId());
    }
}
