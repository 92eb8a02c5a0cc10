package dev.cutover.events;

import java.util.List;

/**
 * Where a target runs and what it is made of, from the environment's {@code target.*}, {@code infrastructure.*},
 * {@code network.*} and {@code diagnostics.*} keys. {@code provider} picks the provisioner's implementation
 * ({@link #LOCAL}, {@link #AZURE}); {@code kind} what the provider makes ({@link #PROCESS} locally; on Azure
 * {@link #APP_SERVICE} or {@link #SCALE_SET}). A command without one (older senders) means local processes.
 */
public record Placement(String provider, String kind, Infrastructure infrastructure, @OptionalField Network network,
                        boolean diagnostics, @OptionalField Azure azure) {

    public static final String LOCAL = "local";
    public static final String AZURE = "azure";
    public static final String PROCESS = "process";
    public static final String APP_SERVICE = "app-service";
    public static final String SCALE_SET = "scale-set";

    /** Local processes with the given instance count and otherwise the defaults. */
    public static Placement local(int instanceCount) {
        return new Placement(LOCAL, PROCESS, new Infrastructure(null, instanceCount, null, null, null), null, false,
                null);
    }

    /**
     * {@code instanceSize}: an Azure VM / App Service size ({@code Standard_D4s_v3}); {@code storageRedundancy} an
     * Azure storage SKU ({@code Standard_GRS}). Absent values: the provider's default.
     */
    public record Infrastructure(@OptionalField String instanceSize, int instanceCount,
                                 @OptionalField Autoscale autoscale, @OptionalField Integer storageGb,
                                 @OptionalField String storageRedundancy) {
    }

    /** CPU-based autoscale: between {@code min} and {@code max} instances, aiming at {@code targetCpu} percent. */
    public record Autoscale(int min, int max, int targetCpu) {
    }

    /** Ports open to the internet ({@code network.inbound-ports}) and whether a private endpoint is wanted. */
    public record Network(List<Integer> inboundPorts, boolean privateEndpoint) {

        public Network {
            inboundPorts = inboundPorts == null ? List.of() : List.copyOf(inboundPorts);
        }
    }

    /**
     * The Azure subscription and names ({@code target.azure.*}): resources go to {@code resourceGroup} in
     * {@code region}, named from {@code name} (default: application-environment). {@code keyVault}: the vault
     * whose secrets the managed identity may read (Key Vault references of the app settings).
     */
    public record Azure(String subscriptionId, String resourceGroup, String region, String name,
                        @OptionalField String keyVault) {
    }
}
