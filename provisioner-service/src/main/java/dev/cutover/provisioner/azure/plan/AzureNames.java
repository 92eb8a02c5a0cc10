package dev.cutover.provisioner.azure.plan;

import dev.cutover.events.Placement;
import dev.cutover.events.Target;
import dev.cutover.provisioner.plan.PlanningException;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * The ARM ids of a target's infrastructure, from the placement's {@code target.azure.*}: everything in
 * {@code resourceGroup}, named from {@code name} (default application-environment, lower case): the App Service plan
 * {@code <name>-plan} and site {@code <name>}, or the scale set {@code <name>} in subnet {@code <name>-vnet/default};
 * identity {@code <name>-id}, network security group {@code <name>-nsg}, private endpoint {@code <name>-pe} (subnet
 * {@code endpoints}), autoscale setting {@code <name>-autoscale}, storage account {@code st<name, letters and digits>}
 * (at most 24), diagnostic setting {@code cutover} on the site or scale set. The slot and scale-set providers use
 * the same names.
 */
public record AzureNames(String subscriptionId, String resourceGroup, String region, String name, String keyVault) {

    public static final String DEFAULT_REGION = "westeurope";
    /** Azure's built-in role "Key Vault Secrets User": read secret values (what Key Vault references need). */
    public static final String KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
    public static final String DIAGNOSTIC_SETTING = "cutover";

    public static AzureNames of(Target target, Placement placement, String defaultSubscription)
            throws PlanningException {
        Placement.Azure azure = placement.azure();
        String subscription = azure != null && !blank(azure.subscriptionId()) ? azure.subscriptionId()
                : defaultSubscription;
        if (blank(subscription) || azure == null || blank(azure.resourceGroup())) {
            throw PlanningException.configuration("Azure target " + target + " needs target.azure.subscription-id"
                    + " (or cutover.provisioner.azure.subscription-id) and target.azure.resource-group");
        }
        String name = blank(azure.name()) ? (target.application() + "-" + target.environment()) : azure.name();
        return new AzureNames(subscription, azure.resourceGroup(), blank(azure.region()) ? DEFAULT_REGION
                : azure.region(), name.toLowerCase(Locale.ROOT), blank(azure.keyVault()) ? null : azure.keyVault());
    }

    public String group() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    private String provider(String type, String resource) {
        return group() + "/providers/" + type + "/" + resource;
    }

    public String appServicePlan() {
        return provider("Microsoft.Web/serverfarms", name + "-plan");
    }

    public String site() {
        return provider("Microsoft.Web/sites", name);
    }

    public String scaleSet() {
        return provider("Microsoft.Compute/virtualMachineScaleSets", name);
    }

    public String identity() {
        return provider("Microsoft.ManagedIdentity/userAssignedIdentities", name + "-id");
    }

    public String networkSecurityGroup() {
        return provider("Microsoft.Network/networkSecurityGroups", name + "-nsg");
    }

    public String virtualNetwork() {
        return provider("Microsoft.Network/virtualNetworks", name + "-vnet");
    }

    public String subnet() {
        return virtualNetwork() + "/subnets/default";
    }

    public String endpointSubnet() {
        return virtualNetwork() + "/subnets/endpoints";
    }

    public String privateEndpoint() {
        return provider("Microsoft.Network/privateEndpoints", name + "-pe");
    }

    public String autoscale() {
        return provider("Microsoft.Insights/autoscalesettings", name + "-autoscale");
    }

    public String storageAccount() {
        String letters = name.replaceAll("[^a-z0-9]", "");
        return provider("Microsoft.Storage/storageAccounts", ("st" + letters).substring(0,
                Math.min(24, 2 + letters.length())));
    }

    public String diagnostics(String of) {
        return of + "/providers/Microsoft.Insights/diagnosticSettings/" + DIAGNOSTIC_SETTING;
    }

    /** The vault the identity reads secrets from: an id, or a name in the target's resource group. */
    public String keyVaultId() {
        if (keyVault == null) {
            return null;
        }
        return keyVault.startsWith("/subscriptions/") ? keyVault : provider("Microsoft.KeyVault/vaults", keyVault);
    }

    public String keyVaultName() {
        return keyVault == null ? null : keyVault.substring(keyVault.lastIndexOf('/') + 1);
    }

    /**
     * The identity's role assignment on the vault: a GUID name derived from vault, role and identity, so planning it
     * again names the same assignment.
     */
    public String keyVaultRoleAssignment() {
        String guid = UUID.nameUUIDFromBytes((keyVaultId() + "|" + KEY_VAULT_SECRETS_USER + "|" + identity())
                .toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)).toString();
        return keyVaultId() + "/providers/Microsoft.Authorization/roleAssignments/" + guid;
    }

    public String roleDefinition(String role) {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.Authorization/roleDefinitions/" + role;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
