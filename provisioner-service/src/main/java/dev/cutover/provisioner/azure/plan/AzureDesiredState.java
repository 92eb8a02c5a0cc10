package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.InfrastructurePlan.UnhonouredKey;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Autoscale;
import dev.cutover.events.Placement.Infrastructure;
import dev.cutover.provisioner.plan.CostEstimator;
import dev.cutover.provisioner.plan.CostEstimator.Priced;
import dev.cutover.provisioner.plan.HardeningRules;
import dev.cutover.provisioner.plan.PlanRequest;
import dev.cutover.provisioner.plan.PlanningException;
import dev.cutover.provisioner.plan.Posture;
import dev.cutover.provisioner.plan.PriceTable.Meter;
import dev.cutover.secrets.SecretReference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an Azure target is made of, from its placement, environment and router security: the resources in
 * dependency order (each after what it refers to), the security posture the hardening rules judge, the priced lines
 * and the keys Azure does not act on. Made the same way every time from the same input (the plan id is its hash).
 * Secret references ({@code secret://name[/version]}) become Key Vault references read by the target's
 * user-assigned identity, which gets the built-in role Key Vault Secrets User on the vault (a role assignment, not an
 * access policy: it works for vaults using Azure RBAC, the default for new vaults, and is an ARM resource the plan
 * can read and diff).
 */
public record AzureDesiredState(List<DesiredResource> resources, Posture posture, List<Priced> priced,
                                List<UnhonouredKey> unhonoured) {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Until the identity exists, ARM has not given it a principal id: the role assignment says so. */
    public static final String PRINCIPAL_PENDING = "(the identity's principal id, known once it is created)";

    static final String API_RESOURCES = "2021-04-01";
    static final String API_WEB = "2023-12-01";
    static final String API_COMPUTE = "2024-07-01";
    static final String API_NETWORK = "2024-03-01";
    static final String API_STORAGE = "2023-05-01";
    static final String API_IDENTITY = "2023-01-31";
    static final String API_AUTHORIZATION = "2022-04-01";
    static final String API_AUTOSCALE = "2022-10-01";
    static final String API_DIAGNOSTICS = "2021-05-01-preview";
    private static final String DEFAULT_REDUNDANCY = "Standard_LRS";

    /**
     * @param principalId the identity's principal id if it exists already (else {@link #PRINCIPAL_PENDING})
     */
    public static AzureDesiredState of(PlanRequest request, AzureNames names, String principalId)
            throws PlanningException {
        Placement placement = request.placement();
        String kind = placement.kind();
        boolean appService = Placement.APP_SERVICE.equals(kind);
        if (!appService && !Placement.SCALE_SET.equals(kind)) {
            throw PlanningException.configuration("Azure target kind '" + kind + "' is unknown (known: "
                    + Placement.APP_SERVICE + ", " + Placement.SCALE_SET + ")");
        }
        Infrastructure infra = placement.infrastructure() == null ? new Infrastructure(null, 1, null, null, null)
                : placement.infrastructure();
        Autoscale autoscale = infra.autoscale();
        int instances = Math.max(1, autoscale == null ? infra.instanceCount()
                : Math.max(autoscale.min(), Math.min(infra.instanceCount(), autoscale.max())));
        List<Integer> inbound = placement.network() == null || placement.network().inboundPorts().isEmpty()
                ? List.of(443) : placement.network().inboundPorts();
        boolean privateEndpoint = placement.network() != null && placement.network().privateEndpoint();
        boolean httpsOnly = request.security() == null || request.security().httpsOnly();
        String region = names.region();
        List<DesiredResource> resources = new ArrayList<>();
        List<Priced> priced = new ArrayList<>();
        List<UnhonouredKey> unhonoured = new ArrayList<>();

        resources.add(new DesiredResource(names.group(), "Microsoft.Resources/resourceGroups", API_RESOURCES,
                object().put("location", region), List.of()));

        // identity first: the role assignment and the site / scale set refer to it
        resources.add(new DesiredResource(names.identity(), "Microsoft.ManagedIdentity/userAssignedIdentities",
                API_IDENTITY, object().put("location", region), List.of()));
        Map<String, String> settings = appSettings(request.environment(), names);
        if (names.keyVaultId() != null) {
            ObjectNode assignment = object();
            assignment.putObject("properties")
                    .put("roleDefinitionId", names.roleDefinition(AzureNames.KEY_VAULT_SECRETS_USER))
                    .put("principalId", principalId == null ? PRINCIPAL_PENDING : principalId)
                    .put("principalType", "ServicePrincipal");
            resources.add(new DesiredResource(names.keyVaultRoleAssignment(),
                    "Microsoft.Authorization/roleAssignments", API_AUTHORIZATION, assignment, List.of()));
        }

        String redundancy = infra.storageRedundancy() == null ? DEFAULT_REDUNDANCY : infra.storageRedundancy();
        ObjectNode storage = object().put("location", region).put("kind", "StorageV2");
        storage.putObject("sku").put("name", redundancy);
        storage.putObject("properties").put("supportsHttpsTrafficOnly", true).put("minimumTlsVersion", "TLS1_2")
                .put("allowBlobPublicAccess", false);
        resources.add(new DesiredResource(names.storageAccount(), "Microsoft.Storage/storageAccounts", API_STORAGE,
                storage, List.of()));
        if (infra.storageGb() != null) {
            priced.add(new Priced(names.storageAccount(), new Meter("Storage", "General Block Blob v2",
                    "Hot " + storageTier(redundancy), null, region, CostEstimator.GB_MONTH), infra.storageGb()));
            unhonoured.add(new UnhonouredKey("infrastructure.storage-gb", "a storage account has no size: the GBs"
                    + " price the estimate, the account holds what it is given"));
        }

        ObjectNode nsg = object().put("location", region);
        ArrayNode rules = nsg.putObject("properties").putArray("securityRules");
        int priority = 100;
        for (int port : inbound.stream().distinct().sorted().toList()) {
            ObjectNode rule = rules.addObject().put("name", "allow-internet-" + port);
            rule.putObject("properties").put("priority", priority++).put("direction", "Inbound")
                    .put("access", "Allow").put("protocol", "Tcp").put("sourceAddressPrefix", "Internet")
                    .put("sourcePortRange", "*").put("destinationAddressPrefix", "*")
                    .put("destinationPortRange", String.valueOf(port));
        }
        resources.add(new DesiredResource(names.networkSecurityGroup(), "Microsoft.Network/networkSecurityGroups",
                API_NETWORK, nsg, List.of()));

        if (privateEndpoint || !appService) {
            ObjectNode vnet = object().put("location", region);
            ObjectNode props = vnet.putObject("properties");
            props.putObject("addressSpace").putArray("addressPrefixes").add("10.20.0.0/16");
            ArrayNode subnets = props.putArray("subnets");
            ObjectNode subnet = subnets.addObject().put("name", "default");
            subnet.putObject("properties").put("addressPrefix", "10.20.0.0/24").putObject("networkSecurityGroup")
                    .put("id", names.networkSecurityGroup());
            if (privateEndpoint) {
                subnets.addObject().put("name", "endpoints").putObject("properties").put("addressPrefix",
                        "10.20.1.0/24").put("privateEndpointNetworkPolicies", "Disabled");
            }
            resources.add(new DesiredResource(names.virtualNetwork(), "Microsoft.Network/virtualNetworks", API_NETWORK,
                    vnet, List.of()));
        }

        String scaled; // what autoscale and diagnostics are about
        List<String> capacityUnderAutoscale = autoscale == null ? List.of() : List.of("sku.capacity");
        if (appService) {
            String sku = AppServiceSizes.planSku(infra.instanceSize());
            if (sku == null) {
                throw PlanningException.configuration("infrastructure.instance-size '" + infra.instanceSize()
                        + "' is neither a VM size with an App Service equivalent nor an App Service plan tier");
            }
            ObjectNode plan = object().put("location", region).put("kind", "linux");
            plan.putObject("sku").put("name", sku).put("tier", AppServiceSizes.tier(sku)).put("capacity", instances);
            plan.putObject("properties").put("reserved", true);
            resources.add(new DesiredResource(names.appServicePlan(), "Microsoft.Web/serverfarms", API_WEB, plan,
                    capacityUnderAutoscale));
            priced.add(new Priced(names.appServicePlan(), new Meter("Azure App Service",
                    AppServiceSizes.priceProduct(sku), AppServiceSizes.priceSku(sku), null, region,
                    CostEstimator.HOUR), instances));

            ObjectNode site = object().put("location", region).put("kind", "app,linux");
            userAssigned(site.putObject("identity").put("type", "SystemAssigned, UserAssigned"), names);
            ObjectNode siteProps = site.putObject("properties").put("serverFarmId", names.appServicePlan())
                    .put("httpsOnly", httpsOnly).put("keyVaultReferenceIdentity", names.identity());
            siteProps.putObject("siteConfig").put("linuxFxVersion", "JAVA|17-java17").put("minTlsVersion", "1.2")
                    .put("ftpsState", "Disabled").put("http20Enabled", true).put("alwaysOn", true);
            resources.add(new DesiredResource(names.site(), "Microsoft.Web/sites", API_WEB, site, List.of()));
            // The app settings are the version's, not the infrastructure's: they go to the staging slot with the
            // version (ProvisionSlot) and reach production by the swap. Written here, they would change the live
            // version's environment before its successor was even checked. The plan judges them (hardening) only.
            scaled = names.appServicePlan();
        } else {
            String size = infra.instanceSize() == null ? "Standard_B2s" : infra.instanceSize();
            ObjectNode vmss = object().put("location", region);
            vmss.putObject("sku").put("name", size).put("tier", "Standard").put("capacity", instances);
            userAssigned(vmss.putObject("identity").put("type", "UserAssigned"), names);
            ObjectNode props = vmss.putObject("properties").put("overprovision", false);
            props.putObject("upgradePolicy").put("mode", "Manual");
            ObjectNode model = props.putObject("virtualMachineProfile");
            ObjectNode storageProfile = model.putObject("storageProfile");
            storageProfile.putObject("imageReference").put("publisher", "Canonical")
                    .put("offer", "0001-com-ubuntu-server-jammy").put("sku", "22_04-lts-gen2").put("version", "latest");
            storageProfile.putObject("osDisk").put("createOption", "FromImage").putObject("managedDisk")
                    .put("storageAccountType", "Standard_LRS");
            model.putObject("osProfile").put("computerNamePrefix", prefix(names.name())).put("adminUsername", "cutover")
                    .putObject("linuxConfiguration").put("disablePasswordAuthentication", true);
            ObjectNode nic = model.putObject("networkProfile").putArray("networkInterfaceConfigurations").addObject()
                    .put("name", "nic");
            ObjectNode nicProps = nic.putObject("properties").put("primary", true);
            nicProps.putObject("networkSecurityGroup").put("id", names.networkSecurityGroup());
            nicProps.putArray("ipConfigurations").addObject().put("name", "ipconfig").putObject("properties")
                    .putObject("subnet").put("id", names.subnet());
            List<String> createOnly = new ArrayList<>(List.of("properties.virtualMachineProfile",
                    "properties.upgradePolicy", "properties.overprovision"));
            createOnly.addAll(capacityUnderAutoscale);
            resources.add(new DesiredResource(names.scaleSet(), "Microsoft.Compute/virtualMachineScaleSets",
                    API_COMPUTE, vmss, createOnly));
            priced.add(new Priced(names.scaleSet(), vmMeter(size, region), instances));
            scaled = names.scaleSet();
        }

        if (autoscale != null) {
            resources.add(new DesiredResource(names.autoscale(), "Microsoft.Insights/autoscalesettings", API_AUTOSCALE,
                    autoscaleSetting(names, region, scaled, autoscale, appService), List.of()));
        }

        if (privateEndpoint) {
            String target = appService ? names.site() : names.storageAccount();
            ObjectNode pe = object().put("location", region);
            ObjectNode props = pe.putObject("properties");
            props.putObject("subnet").put("id", names.endpointSubnet());
            props.putArray("privateLinkServiceConnections").addObject().put("name", "target")
                    .putObject("properties").put("privateLinkServiceId", target).putArray("groupIds")
                    .add(appService ? "sites" : "blob");
            resources.add(new DesiredResource(names.privateEndpoint(), "Microsoft.Network/privateEndpoints",
                    API_NETWORK, pe, List.of()));
            priced.add(new Priced(names.privateEndpoint(), new Meter("Virtual Network", "Virtual Network Private Link",
                    "Standard", "Standard Private Endpoint", region, CostEstimator.HOUR), 1));
        }

        if (placement.diagnostics()) {
            ObjectNode diag = object();
            ObjectNode props = diag.putObject("properties").put("storageAccountId", names.storageAccount());
            if (appService) {
                ArrayNode logs = props.putArray("logs");
                for (String category : List.of("AppServiceHTTPLogs", "AppServiceConsoleLogs", "AppServiceAppLogs")) {
                    logs.addObject().put("category", category).put("enabled", true);
                }
            }
            props.putArray("metrics").addObject().put("category", "AllMetrics").put("enabled", true);
            resources.add(new DesiredResource(names.diagnostics(appService ? names.site() : names.scaleSet()),
                    "Microsoft.Insights/diagnosticSettings", API_DIAGNOSTICS, diag, List.of()));
        }

        Posture posture = appService
                ? new Posture("an App Service site", httpsOnly, "1.2", "Disabled", true, settings, inbound,
                privateEndpoint, placement.diagnostics())
                : new Posture("a scale set", null, null, null, true, request.environment(), inbound,
                privateEndpoint, placement.diagnostics());
        if (!appService && request.security() != null) {
            unhonoured.add(new UnhonouredKey("security.*", "a scale set's instances serve what their application"
                    + " serves: the HTTPS redirect, HSTS and CSP headers are the application's or its load balancer's"));
        }
        return new AzureDesiredState(resources, posture, priced, unhonoured);
    }

    /** Plain values as they are; secret references as Key Vault references (never values). */
    static Map<String, String> appSettings(Map<String, String> environment, AzureNames names)
            throws PlanningException {
        Map<String, String> settings = new TreeMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String value = e.getValue();
            if (SecretReference.isReference(value)) {
                SecretReference ref;
                try {
                    ref = SecretReference.parse(e.getKey(), value);
                } catch (IllegalArgumentException invalid) {
                    throw PlanningException.configuration(invalid.getMessage());
                }
                if (names.keyVaultName() == null) {
                    throw PlanningException.configuration("variable " + e.getKey() + " refers to secret "
                            + ref.describe() + " but the target has no target.azure.key-vault to read it from");
                }
                value = HardeningRules.KEY_VAULT_REFERENCE_PREFIX + "VaultName=" + names.keyVaultName()
                        + ";SecretName=" + ref.name() + (ref.pinned() ? ";SecretVersion=" + ref.version() : "") + ")";
            }
            settings.put(e.getKey(), value);
        }
        return settings;
    }

    private static ObjectNode autoscaleSetting(AzureNames names, String region, String target, Autoscale autoscale,
                                               boolean appService) {
        ObjectNode setting = object().put("location", region);
        ObjectNode props = setting.putObject("properties").put("enabled", true).put("targetResourceUri", target);
        ObjectNode profile = props.putArray("profiles").addObject().put("name", "cpu");
        profile.putObject("capacity").put("minimum", String.valueOf(autoscale.min()))
                .put("maximum", String.valueOf(autoscale.max())).put("default", String.valueOf(autoscale.min()));
        ArrayNode rules = profile.putArray("rules");
        String metric = appService ? "CpuPercentage" : "Percentage CPU";
        // out above the target, in well below it: the gap keeps the count from flapping
        rule(rules, metric, target, "GreaterThan", autoscale.targetCpu(), "Increase");
        rule(rules, metric, target, "LessThan", Math.max(5, autoscale.targetCpu() - 25), "Decrease");
        return setting;
    }

    private static void rule(ArrayNode rules, String metric, String target, String operator, int threshold,
                             String direction) {
        ObjectNode rule = rules.addObject();
        rule.putObject("metricTrigger").put("metricName", metric).put("metricResourceUri", target)
                .put("timeGrain", "PT1M").put("statistic", "Average").put("timeWindow", "PT5M")
                .put("timeAggregation", "Average").put("operator", operator).put("threshold", threshold);
        rule.putObject("scaleAction").put("direction", direction).put("type", "ChangeCount").put("value", "1")
                .put("cooldown", "PT5M");
    }

    private static void userAssigned(ObjectNode identity, AzureNames names) {
        identity.putObject("userAssignedIdentities").putObject(names.identity());
    }

    private static Meter vmMeter(String size, String region) {
        String s = size.toLowerCase(Locale.ROOT);
        String product = s.startsWith("standard_b") ? "Virtual Machines BS Series"
                : s.matches("standard_d\\d+s_v3") ? "Virtual Machines DSv3 Series" : null;
        String sku = size.replaceFirst("(?i)^standard_", "").replace("_v", " v");
        return new Meter("Virtual Machines", product, sku, null, region, CostEstimator.HOUR);
    }

    private static String storageTier(String redundancy) {
        String r = redundancy.replaceFirst("(?i)^(standard|premium)_", "").toUpperCase(Locale.ROOT);
        return r.equals("RAGRS") ? "RA-GRS" : r.equals("RAGZRS") ? "RA-GZRS" : r;
    }

    private static String prefix(String name) {
        String letters = name.replaceAll("[^a-z0-9]", "");
        return letters.substring(0, Math.min(9, letters.length()));
    }

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
