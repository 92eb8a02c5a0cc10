package dev.cutover.provisioner.azure.scaleset;

import dev.cutover.events.Placement;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProviderSelection.Providers;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotInstance;

import java.util.Locale;

/** The scale-set provider pair for ProviderSelection: made per placement on the shared Azure clients. */
public final class ScaleSetTargets {

    private ScaleSetTargets() {
    }

    /** The pair for a placement of kind {@code scale-set}; operations, start and drain bounded by the operation timeout. */
    public static Providers of(AzureClients azure, Placement placement) throws ProvisioningException {
        String subscription = azure.subscription(placement.azure() == null ? null : placement.azure().subscriptionId());
        ScaleSetClients clients = ScaleSetClients.of(azure.compute(subscription), azure.network(subscription));
        return new Providers(new ScaleSetTargetProvider(clients, placement, azure.operationTimeout(),
                azure.operationTimeout()), new ScaleSetTrafficRouter(clients, placement, azure.operationTimeout(),
                azure.operationTimeout()));
    }

    /** Is this a slot of the scale-set provider (its instance id a scale-set instance's ARM id)? */
    public static boolean owns(SlotInstance instance) {
        return instance.instanceId() != null && instance.instanceId().toLowerCase(Locale.ROOT)
                .contains("/providers/microsoft.compute/virtualmachinescalesets/");
    }

    /** Whether the scale set still has the instance (a provisioner restart keeps only those). */
    public static boolean alive(AzureClients azure, SlotInstance instance) {
        ScaleSetNames n = ScaleSetNames.ofInstance(instance.instanceId());
        ScaleSetClients clients = ScaleSetClients.of(azure.compute(n.subscriptionId()),
                azure.network(n.subscriptionId()));
        return new ScaleSetTargetProvider(clients, null, azure.operationTimeout(), azure.operationTimeout())
                .alive(instance);
    }
}
