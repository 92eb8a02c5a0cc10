package dev.cutover.provisioner.azure.scaleset;

import com.azure.core.management.SubResource;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInstanceViewInner;
import com.azure.resourcemanager.compute.models.ApiEntityReference;
import com.azure.resourcemanager.compute.models.ImageReference;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.ResourceIdentityType;
import com.azure.resourcemanager.compute.models.Sku;
import com.azure.resourcemanager.compute.models.UpgradeMode;
import com.azure.resourcemanager.compute.models.UpgradePolicy;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetIdentity;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetIpConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetNetworkConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetNetworkProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetOSProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetStorageProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdate;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdateIpConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdateNetworkConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdateNetworkProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdateVMProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMInstanceRequiredIDs;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMProfile;
import com.azure.resourcemanager.network.fluent.models.BackendAddressPoolInner;
import com.azure.resourcemanager.network.fluent.models.FrontendIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.InboundNatRuleInner;
import com.azure.resourcemanager.network.fluent.models.LoadBalancerInner;
import com.azure.resourcemanager.network.fluent.models.LoadBalancingRuleInner;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.ProbeInner;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.InboundNatPool;
import com.azure.resourcemanager.network.models.IpAllocationMethod;
import com.azure.resourcemanager.network.models.LoadBalancerSku;
import com.azure.resourcemanager.network.models.LoadBalancerSkuName;
import com.azure.resourcemanager.network.models.ProbeProtocol;
import com.azure.resourcemanager.network.models.TransportProtocol;
import dev.cutover.events.Placement;
import dev.cutover.provisioner.azure.ArmException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The ARM operations on a target's scale set and load balancer that the provider and the router share. Everything the
 * provisioner must know again after a restart is on the scale set itself, in tags: {@value #SLOTS_TAG} maps slots to
 * instance ids ({@code a1=3,a2=4}), {@value #INSTANCES_TAG} is the environment's instance count, {@value #VERSION_TAG}
 * the version of the model. One tag for the mapping, because ARM replaces a resource's tags as a whole.
 */
final class ScaleSets {

    static final String SLOTS_TAG = "cutover-slots";
    static final String INSTANCES_TAG = "cutover-instances";
    static final String VERSION_TAG = "cutover-version";
    /** The port the application listens on inside an instance (the NAT pool's and the rule's backend port). */
    static final int APP_PORT = 8080;

    private final ScaleSetClients clients;
    private final Duration operationTimeout;

    ScaleSets(ScaleSetClients clients, Duration operationTimeout) {
        this.clients = clients;
        this.operationTimeout = operationTimeout;
    }

    ScaleSetClients clients() {
        return clients;
    }

    // ---- calls ----

    /** One ARM call, its failure classified; null for a 404 when {@code absentIsNull}. */
    <T> T call(String operation, String resource, boolean absentIsNull, Supplier<T> call) throws ArmException {
        try {
            return call.get();
        } catch (ManagementException e) {
            if (absentIsNull && e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return null;
            }
            throw ScaleSetFailure.of(operation, resource, e);
        } catch (RuntimeException e) {
            throw ScaleSetFailure.of(operation, resource, e);
        }
    }

    /** A long-running operation, waited for up to the operation timeout. */
    <T> T await(String operation, String resource, Supplier<SyncPoller<?, T>> begin) throws ArmException {
        SyncPoller<?, T> poller = call(operation, resource, false, begin);
        PollResponse<?> last;
        try {
            last = poller.waitForCompletion(operationTimeout);
        } catch (RuntimeException e) {
            if (isTimeout(e)) {
                throw ScaleSetFailure.timeout(operation, resource, operationTimeout);
            }
            throw ScaleSetFailure.of(operation, resource, e);
        }
        LongRunningOperationStatus status = last.getStatus();
        if (status == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return call(operation, resource, false, poller::getFinalResult);
        }
        if (status == LongRunningOperationStatus.IN_PROGRESS || status == LongRunningOperationStatus.NOT_STARTED) {
            throw ScaleSetFailure.timeout(operation, resource, operationTimeout);
        }
        throw ScaleSetFailure.infrastructure(operation + " of " + resource + " ended " + status);
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    // ---- the scale set ----

    Optional<VirtualMachineScaleSetInner> scaleSet(ScaleSetNames n) throws ArmException {
        return Optional.ofNullable(call("read", "scale set " + n.scaleSet(), true,
                () -> clients.scaleSets().getByResourceGroup(n.resourceGroup(), n.scaleSet())));
    }

    List<VirtualMachineScaleSetVMInner> instances(ScaleSetNames n) throws ArmException {
        return call("list instances", "scale set " + n.scaleSet(), false,
                () -> clients.instances().list(n.resourceGroup(), n.scaleSet()).stream().toList());
    }

    Optional<VirtualMachineScaleSetVMInstanceViewInner> instanceView(ScaleSetNames n, String instanceId)
            throws ArmException {
        return Optional.ofNullable(call("read instance view", "instance " + instanceId + " of " + n.scaleSet(), true,
                () -> clients.instances().getInstanceView(n.resourceGroup(), n.scaleSet(), instanceId)));
    }

    /** Creates the scale set without instances (capacity 0) from the placement, on the load balancer's NAT pool. */
    VirtualMachineScaleSetInner create(ScaleSetNames n, Placement placement, String userData,
                                       Map<String, String> tags) throws ArmException {
        VirtualMachineScaleSetIpConfiguration ip = new VirtualMachineScaleSetIpConfiguration()
                .withName(ScaleSetNames.IP_CONFIGURATION).withPrimary(true)
                .withSubnet(new ApiEntityReference().withId(n.subnetId()))
                .withLoadBalancerInboundNatPools(List.of(new SubResource().withId(n.natPoolId())));
        VirtualMachineScaleSetNetworkConfiguration nic = new VirtualMachineScaleSetNetworkConfiguration()
                .withName(ScaleSetNames.NIC).withPrimary(true).withIpConfigurations(List.of(ip));
        VirtualMachineScaleSetInner model = new VirtualMachineScaleSetInner()
                .withLocation(n.region())
                .withTags(tags)
                .withSku(new Sku().withName(size(placement)).withTier("Standard").withCapacity(0L))
                .withIdentity(new VirtualMachineScaleSetIdentity().withType(ResourceIdentityType.SYSTEM_ASSIGNED))
                .withUpgradePolicy(new UpgradePolicy().withMode(UpgradeMode.MANUAL))
                .withOverprovision(false)
                .withVirtualMachineProfile(new VirtualMachineScaleSetVMProfile()
                        .withOsProfile(new VirtualMachineScaleSetOSProfile().withComputerNamePrefix(prefix(n))
                                .withAdminUsername("cutover"))
                        .withStorageProfile(new VirtualMachineScaleSetStorageProfile().withImageReference(
                                new ImageReference().withPublisher("Canonical")
                                        .withOffer("0001-com-ubuntu-server-jammy").withSku("22_04-lts-gen2")
                                        .withVersion("latest")))
                        .withNetworkProfile(new VirtualMachineScaleSetNetworkProfile()
                                .withNetworkInterfaceConfigurations(List.of(nic)))
                        .withUserData(userData));
        return await("create", "scale set " + n.scaleSet(),
                () -> clients.scaleSets().beginCreateOrUpdate(n.resourceGroup(), n.scaleSet(), model));
    }

    /**
     * One PATCH of the scale set: the model's bootstrap ({@code userData}, null: unchanged), its size, its tags and
     * (when not null) its capacity. With upgrade policy Manual, running instances keep their model.
     */
    VirtualMachineScaleSetInner update(ScaleSetNames n, VirtualMachineScaleSetInner current, String userData,
                                       String size, Long capacity, Map<String, String> tags) throws ArmException {
        VirtualMachineScaleSetUpdate patch = new VirtualMachineScaleSetUpdate().withTags(tags);
        if (userData != null) {
            patch.withVirtualMachineProfile(new VirtualMachineScaleSetUpdateVMProfile().withUserData(userData)
                    .withNetworkProfile(withNatPool(n, current)));
        }
        if (size != null || capacity != null) {
            patch.withSku(new Sku().withName(size).withCapacity(capacity));
        }
        return await("update", "scale set " + n.scaleSet(),
                () -> clients.scaleSets().beginUpdate(n.resourceGroup(), n.scaleSet(), patch));
    }

    /**
     * The model's NIC configuration with the inbound NAT pool added to its primary ipConfiguration, or null when it
     * has it already (a scale set the infrastructure plan made knows nothing of the load balancer yet).
     */
    private static VirtualMachineScaleSetUpdateNetworkProfile withNatPool(ScaleSetNames n,
                                                                          VirtualMachineScaleSetInner current) {
        if (current == null || current.virtualMachineProfile() == null
                || current.virtualMachineProfile().networkProfile() == null
                || current.virtualMachineProfile().networkProfile().networkInterfaceConfigurations() == null) {
            return null;
        }
        List<VirtualMachineScaleSetNetworkConfiguration> nics = current.virtualMachineProfile().networkProfile()
                .networkInterfaceConfigurations();
        boolean has = nics.stream().filter(nic -> nic.ipConfigurations() != null)
                .flatMap(nic -> nic.ipConfigurations().stream()).filter(ip -> ip.loadBalancerInboundNatPools() != null)
                .flatMap(ip -> ip.loadBalancerInboundNatPools().stream()).anyMatch(p -> same(p.id(), n.natPoolId()));
        if (has || nics.isEmpty()) {
            return null;
        }
        List<VirtualMachineScaleSetUpdateNetworkConfiguration> out = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            VirtualMachineScaleSetNetworkConfiguration nic = nics.get(i);
            List<VirtualMachineScaleSetUpdateIpConfiguration> ips = new ArrayList<>();
            List<VirtualMachineScaleSetIpConfiguration> from = nic.ipConfigurations() == null ? List.of()
                    : nic.ipConfigurations();
            for (int j = 0; j < from.size(); j++) {
                VirtualMachineScaleSetIpConfiguration ip = from.get(j);
                List<SubResource> nat = new ArrayList<>(ip.loadBalancerInboundNatPools() == null ? List.of()
                        : ip.loadBalancerInboundNatPools());
                if (i == 0 && j == 0) {
                    nat.add(new SubResource().withId(n.natPoolId()));
                }
                ips.add(new VirtualMachineScaleSetUpdateIpConfiguration().withName(ip.name()).withPrimary(ip.primary())
                        .withSubnet(ip.subnet()).withLoadBalancerInboundNatPools(nat)
                        .withLoadBalancerBackendAddressPools(ip.loadBalancerBackendAddressPools()));
            }
            out.add(new VirtualMachineScaleSetUpdateNetworkConfiguration().withName(nic.name())
                    .withPrimary(nic.primary()).withNetworkSecurityGroup(nic.networkSecurityGroup())
                    .withIpConfigurations(ips));
        }
        return new VirtualMachineScaleSetUpdateNetworkProfile().withNetworkInterfaceConfigurations(out);
    }

    /** {@code POST .../manualupgrade}: the instance gets the scale set's latest model. */
    void upgrade(ScaleSetNames n, String instanceId) throws ArmException {
        await("upgrade", "instance " + instanceId + " of " + n.scaleSet(),
                () -> clients.scaleSets().beginUpdateInstances(n.resourceGroup(), n.scaleSet(),
                        new VirtualMachineScaleSetVMInstanceRequiredIDs().withInstanceIds(List.of(instanceId))));
    }

    /** {@code POST .../delete}: the instance is removed, the capacity lowered by one. */
    void delete(ScaleSetNames n, String instanceId) throws ArmException {
        await("delete", "instance " + instanceId + " of " + n.scaleSet(),
                () -> clients.scaleSets().beginDeleteInstances(n.resourceGroup(), n.scaleSet(),
                        new VirtualMachineScaleSetVMInstanceRequiredIDs().withInstanceIds(List.of(instanceId))));
    }

    /** Puts the instance's primary ipConfiguration into the serving pool or takes it out (one PUT of the instance). */
    void setServing(ScaleSetNames n, VirtualMachineScaleSetVMInner vm, boolean serving) throws ArmException {
        VirtualMachineScaleSetIpConfiguration ip = primaryIp(vm);
        if (ip == null) {
            throw ScaleSetFailure.misconfigured("instance " + vm.instanceId() + " of " + n.scaleSet()
                    + " has no network interface configuration to put in the load balancer");
        }
        List<SubResource> pools = new ArrayList<>();
        if (ip.loadBalancerBackendAddressPools() != null) {
            ip.loadBalancerBackendAddressPools().stream().filter(p -> !same(p.id(), n.poolId())).forEach(pools::add);
        }
        if (serving) {
            pools.add(new SubResource().withId(n.poolId()));
        }
        ip.withLoadBalancerBackendAddressPools(pools);
        await((serving ? "add to" : "remove from") + " backend pool " + ScaleSetNames.POOL,
                "instance " + vm.instanceId() + " of " + n.scaleSet(),
                () -> clients.instances().beginUpdate(n.resourceGroup(), n.scaleSet(), vm.instanceId(), vm));
    }

    static boolean serving(ScaleSetNames n, VirtualMachineScaleSetVMInner vm) {
        VirtualMachineScaleSetIpConfiguration ip = primaryIp(vm);
        return ip != null && ip.loadBalancerBackendAddressPools() != null
                && ip.loadBalancerBackendAddressPools().stream().anyMatch(p -> same(p.id(), n.poolId()));
    }

    private static VirtualMachineScaleSetIpConfiguration primaryIp(VirtualMachineScaleSetVMInner vm) {
        if (vm.networkProfileConfiguration() == null
                || vm.networkProfileConfiguration().networkInterfaceConfigurations() == null) {
            return null;
        }
        for (VirtualMachineScaleSetNetworkConfiguration nic : vm.networkProfileConfiguration()
                .networkInterfaceConfigurations()) {
            if (nic.ipConfigurations() != null && !nic.ipConfigurations().isEmpty()) {
                return nic.ipConfigurations().get(0);
            }
        }
        return null;
    }

    static boolean running(VirtualMachineScaleSetVMInstanceViewInner view) {
        return has(view, "PowerState/running");
    }

    static boolean exists(VirtualMachineScaleSetVMInstanceViewInner view) {
        return view != null && !has(view, "PowerState/deallocated") && !has(view, "PowerState/stopped");
    }

    private static boolean has(VirtualMachineScaleSetVMInstanceViewInner view, String code) {
        return view != null && view.statuses() != null && view.statuses().stream().map(InstanceViewStatus::code)
                .anyMatch(c -> code.equalsIgnoreCase(c));
    }

    // ---- the load balancer ----

    Optional<LoadBalancerInner> loadBalancer(ScaleSetNames n) throws ArmException {
        return Optional.ofNullable(call("read", "load balancer " + n.loadBalancer(), true,
                () -> clients.loadBalancers().getByResourceGroup(n.resourceGroup(), n.loadBalancer())));
    }

    /**
     * An internal Standard load balancer in the target's subnet: rule {@code http} (frontend 80 → {@value #APP_PORT}
     * on the serving pool, probe {@code GET /health}) and the NAT pool that gives every instance its own frontend
     * port (how the provisioner and the health checks reach one instance).
     */
    LoadBalancerInner createLoadBalancer(ScaleSetNames n) throws ArmException {
        String probeId = n.loadBalancerId() + "/probes/health";
        LoadBalancerInner lb = new LoadBalancerInner()
                .withLocation(n.region())
                .withSku(new LoadBalancerSku().withName(LoadBalancerSkuName.STANDARD))
                .withFrontendIpConfigurations(List.of(new FrontendIpConfigurationInner()
                        .withName(ScaleSetNames.FRONTEND).withId(n.frontendId())
                        .withPrivateIpAllocationMethod(IpAllocationMethod.DYNAMIC)
                        .withSubnet(new SubnetInner().withId(n.subnetId()))))
                .withBackendAddressPools(List.of(new BackendAddressPoolInner().withName(ScaleSetNames.POOL)
                        .withId(n.poolId())))
                .withProbes(List.of(new ProbeInner().withName("health").withId(probeId)
                        .withProtocol(ProbeProtocol.HTTP).withPort(APP_PORT).withRequestPath("/health")
                        .withIntervalInSeconds(5).withNumberOfProbes(2)))
                .withLoadBalancingRules(List.of(new LoadBalancingRuleInner().withName("http")
                        .withFrontendIpConfiguration(new SubResource().withId(n.frontendId()))
                        .withBackendAddressPool(new SubResource().withId(n.poolId()))
                        .withProbe(new SubResource().withId(probeId))
                        .withProtocol(TransportProtocol.TCP).withFrontendPort(80).withBackendPort(APP_PORT)
                        .withIdleTimeoutInMinutes(4)))
                .withInboundNatPools(List.of(new InboundNatPool().withName(ScaleSetNames.NAT_POOL)
                        .withId(n.natPoolId())
                        .withFrontendIpConfiguration(new SubResource().withId(n.frontendId()))
                        .withProtocol(TransportProtocol.TCP).withFrontendPortRangeStart(50000)
                        .withFrontendPortRangeEnd(50999).withBackendPort(APP_PORT)));
        return await("create", "load balancer " + n.loadBalancer(),
                () -> clients.loadBalancers().beginCreateOrUpdate(n.resourceGroup(), n.loadBalancer(), lb));
    }

    /** {@code http://<frontend address>:<rule's frontend port>}: where the target's traffic enters. */
    static String frontendUrl(ScaleSetNames n, LoadBalancerInner lb) throws ArmException {
        LoadBalancingRuleInner rule = lb.loadBalancingRules() == null || lb.loadBalancingRules().isEmpty() ? null
                : lb.loadBalancingRules().get(0);
        if (rule == null || rule.frontendPort() == null) {
            throw ScaleSetFailure.misconfigured("load balancer " + n.loadBalancer() + " has no load-balancing rule");
        }
        return "http://" + frontendAddress(n, lb) + ":" + rule.frontendPort();
    }

    /** Where one instance answers from outside: the frontend address and the port of its inbound NAT rule. */
    static Optional<String> instanceUrl(ScaleSetNames n, LoadBalancerInner lb, String instanceId)
            throws ArmException {
        String marker = "/virtualmachines/" + instanceId + "/";
        if (lb.inboundNatRules() != null) {
            for (InboundNatRuleInner rule : lb.inboundNatRules()) {
                NetworkInterfaceIpConfigurationInner backend = rule.backendIpConfiguration();
                if (backend != null && backend.id() != null
                        && backend.id().toLowerCase(Locale.ROOT).contains(marker) && rule.frontendPort() != null) {
                    return Optional.of("http://" + frontendAddress(n, lb) + ":" + rule.frontendPort());
                }
            }
        }
        return Optional.empty();
    }

    /** The instance ids the serving pool has as members, as the load balancer reports them. */
    static List<String> poolMembers(ScaleSetNames n, LoadBalancerInner lb) {
        List<String> out = new ArrayList<>();
        if (lb.backendAddressPools() == null) {
            return out;
        }
        for (BackendAddressPoolInner pool : lb.backendAddressPools()) {
            if (!ScaleSetNames.POOL.equalsIgnoreCase(pool.name()) || pool.backendIpConfigurations() == null) {
                continue;
            }
            for (NetworkInterfaceIpConfigurationInner ip : pool.backendIpConfigurations()) {
                String id = ip.id() == null ? "" : ip.id();
                int at = id.toLowerCase(Locale.ROOT).indexOf("/virtualmachines/");
                if (at >= 0) {
                    String rest = id.substring(at + "/virtualmachines/".length());
                    out.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
                }
            }
        }
        return out;
    }

    private static String frontendAddress(ScaleSetNames n, LoadBalancerInner lb) throws ArmException {
        if (lb.frontendIpConfigurations() != null) {
            for (FrontendIpConfigurationInner f : lb.frontendIpConfigurations()) {
                if (f.privateIpAddress() != null) {
                    return f.privateIpAddress();
                }
            }
        }
        throw ScaleSetFailure.misconfigured("load balancer " + n.loadBalancer()
                + " has no private frontend address (an internal load balancer in the target's subnet is expected)");
    }

    // ---- tags ----

    /** Slot → instance id, from the scale set's {@value #SLOTS_TAG} tag. */
    static TreeMap<String, String> slots(VirtualMachineScaleSetInner set) {
        TreeMap<String, String> out = new TreeMap<>();
        String value = set.tags() == null ? null : set.tags().get(SLOTS_TAG);
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** The scale set's tags with {@code slots} as its mapping (and {@code extra} set). */
    static Map<String, String> tags(VirtualMachineScaleSetInner set, Map<String, String> slots,
                                    Map<String, String> extra) {
        Map<String, String> tags = new TreeMap<>(set == null || set.tags() == null ? Map.of() : set.tags());
        tags.putAll(extra);
        StringBuilder value = new StringBuilder();
        new TreeMap<>(slots).forEach((slot, id) -> value.append(value.isEmpty() ? "" : ",").append(slot).append('=')
                .append(id));
        tags.put(SLOTS_TAG, value.toString());
        return tags;
    }

    static String size(Placement placement) {
        String size = placement == null || placement.infrastructure() == null ? null
                : placement.infrastructure().instanceSize();
        return size == null || size.isBlank() ? "Standard_B2s" : size;
    }

    private static String prefix(ScaleSetNames n) {
        String p = n.scaleSet().replaceAll("[^A-Za-z0-9-]", "");
        return p.length() > 9 ? p.substring(0, 9) : p;
    }

    static boolean same(String a, String b) {
        return a != null && b != null && a.replaceAll("^/+", "").equalsIgnoreCase(b.replaceAll("^/+", ""));
    }
}
