package dev.cutover.provisioner.azure.scaleset;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInstanceViewInner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.provisioner.azure.ArmException;
import dev.cutover.provisioner.azure.SecretReferencesPassed;
import dev.cutover.secrets.SecretReference;
import dev.cutover.provisioner.slot.LocalProcesses;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.TargetProvider;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Rolling slots as scale-set instances (see the package documentation): {@link #start} brings one instance to the
 * command's version — an instance left by a release just before is upgraded in place, otherwise the scale set grows by
 * one — and {@link #stop} deletes a surplus instance or keeps it, out of the load balancer, for the next in-place
 * upgrade. The instances resolve their secrets themselves (managed identity, Key Vault references): the provisioner
 * passes references only.
 */
public class ScaleSetTargetProvider implements TargetProvider, SecretReferencesPassed {

    private static final Logger LOG = Logger.getLogger(ScaleSetTargetProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScaleSets arm;
    private final Placement placement;
    private final Duration readyTimeout;

    /** @param placement the target's placement (kind scale-set): names, size and instance count */
    public ScaleSetTargetProvider(ScaleSetClients clients, Placement placement, Duration operationTimeout,
                                  Duration readyTimeout) {
        this.arm = new ScaleSets(clients, operationTimeout);
        this.placement = placement;
        this.readyTimeout = readyTimeout;
    }

    @Override
    public SlotInstance start(ProvisionSlot command, Map<String, String> environment, Consumer<SlotInstance> spawned)
            throws ProvisioningException {
        Placement where = command.placement() != null ? command.placement() : placement;
        ScaleSetNames n = ScaleSetNames.of(command.target(), where, arm.clients().subscriptionId());
        int wanted = Math.max(1, where.infrastructure() == null ? 1 : where.infrastructure().instanceCount());
        String userData = bootstrap(command, n);
        Map<String, String> extra = Map.of(ScaleSets.VERSION_TAG, command.version(),
                ScaleSets.INSTANCES_TAG, Integer.toString(wanted));

        if (arm.loadBalancer(n).isEmpty()) {
            arm.createLoadBalancer(n);
        }
        VirtualMachineScaleSetInner set = arm.scaleSet(n).orElse(null);
        if (set == null) {
            set = arm.create(n, where, userData, ScaleSets.tags(null, Map.of(), extra));
        }
        List<VirtualMachineScaleSetVMInner> vms = arm.instances(n);
        Set<String> existing = new java.util.HashSet<>(vms.stream().map(VirtualMachineScaleSetVMInner::instanceId).toList());
        TreeMap<String, String> slots = ScaleSets.slots(set);
        slots.values().removeIf(id -> !existing.contains(id)); // instances deleted behind our back
        slots.remove(command.slot()); // the slot gets a fresh instance of this version
        Optional<String> spare = vms.stream().map(VirtualMachineScaleSetVMInner::instanceId)
                .filter(id -> !slots.containsValue(id)).min(Comparator.comparingLong(ScaleSetTargetProvider::number));

        String instanceId;
        if (slots.size() < wanted && spare.isPresent()) {
            // max-unavailable: an instance released just before (out of the load balancer) gets the new model
            instanceId = spare.get();
            slots.put(command.slot(), instanceId);
            arm.update(n, set, userData, ScaleSets.size(where), null, ScaleSets.tags(set, slots, extra));
            LOG.infof("Slot %s of %s: upgrading instance %s of scale set %s in place to %s (deployment %s)",
                    command.slot(), command.target(), instanceId, n.scaleSet(), command.version(),
                    command.meta().deploymentId());
            arm.upgrade(n, instanceId);
        } else {
            // max-surge: one more instance, created from the latest model
            long capacity = (set.sku() == null || set.sku().capacity() == null ? vms.size() : set.sku().capacity()) + 1;
            VirtualMachineScaleSetInner grown = arm.update(n, set, userData, ScaleSets.size(where), capacity,
                    ScaleSets.tags(set, slots, extra));
            instanceId = arm.instances(n).stream().map(VirtualMachineScaleSetVMInner::instanceId)
                    .filter(id -> !existing.contains(id)).max(Comparator.comparingLong(ScaleSetTargetProvider::number))
                    .orElseThrow(() -> ScaleSetFailure.infrastructure("scale set " + n.scaleSet() + " grew to "
                            + capacity + " but shows no new instance"));
            slots.put(command.slot(), instanceId);
            arm.update(n, grown, null, null, null, ScaleSets.tags(grown, slots, extra));
            LOG.infof("Slot %s of %s: scaled %s out to %d, new instance %s runs %s (deployment %s)", command.slot(),
                    command.target(), n.scaleSet(), capacity, instanceId, command.version(),
                    command.meta().deploymentId());
        }

        String url = ScaleSets.instanceUrl(n, arm.loadBalancer(n).orElseThrow(() -> ScaleSetFailure.misconfigured(
                "load balancer " + n.loadBalancer() + " disappeared")), instanceId)
                .orElseThrow(() -> ScaleSetFailure.misconfigured("instance " + instanceId + " of " + n.scaleSet()
                        + " has no inbound NAT rule on " + n.loadBalancer()));
        SlotInstance instance = new SlotInstance(command.slot(), command.version(), command.meta().deploymentId(), url,
                n.instanceArmId(instanceId), null, URI.create(url).getPort(), null, System.currentTimeMillis());
        spawned.accept(instance);
        awaitReady(instance);
        return instance;
    }

    @Override
    public boolean alive(SlotInstance instance) {
        ScaleSetNames n = ScaleSetNames.ofInstance(instance.instanceId());
        try {
            Optional<VirtualMachineScaleSetVMInstanceViewInner> view = arm.instanceView(n,
                    ScaleSetNames.instanceIdOf(instance.instanceId()));
            return view.isPresent() && ScaleSets.exists(view.get());
        } catch (ArmException e) {
            LOG.warnf("Could not read instance %s (%s): taken as alive", instance.instanceId(), e.getMessage());
            return true; // an unreachable ARM is no proof the instance is gone
        }
    }

    /** Until the instance view says running and the instance accepts connections on its NAT address. */
    @Override
    public void awaitReady(SlotInstance instance) throws ProvisioningException {
        ScaleSetNames n = ScaleSetNames.ofInstance(instance.instanceId());
        String id = ScaleSetNames.instanceIdOf(instance.instanceId());
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        boolean running = false;
        while (true) {
            if (!running) {
                Optional<VirtualMachineScaleSetVMInstanceViewInner> view = arm.instanceView(n, id);
                if (view.isEmpty()) {
                    throw ScaleSetFailure.infrastructure("instance " + id + " of " + n.scaleSet() + " disappeared");
                }
                running = ScaleSets.running(view.get());
            }
            if (running && accepts(instance.url())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw ScaleSetFailure.timeout("start", "instance " + id + " of " + n.scaleSet() + " ("
                        + (running ? "running, not accepting connections on " + instance.url() : "not running")
                        + ")", readyTimeout);
            }
            pause(running ? 50 : 200);
        }
    }

    /**
     * Releases the slot's instance (already out of the load balancer): deleted when the scale set still has the
     * environment's instance count without it (max-surge), kept as a spare for the next slot's in-place upgrade when
     * it does not (max-unavailable). The mapping is dropped first: a crash in between leaves a spare, never a slot
     * pointing at nothing. Idempotent.
     */
    @Override
    public void stop(SlotInstance instance) {
        ScaleSetNames n = ScaleSetNames.ofInstance(instance.instanceId());
        String id = ScaleSetNames.instanceIdOf(instance.instanceId());
        try {
            Optional<VirtualMachineScaleSetInner> found = arm.scaleSet(n);
            if (found.isEmpty()) {
                return;
            }
            VirtualMachineScaleSetInner set = found.get();
            TreeMap<String, String> slots = ScaleSets.slots(set);
            boolean mapped = id.equals(slots.get(instance.slot()));
            slots.values().removeIf(id::equals);
            int wanted = Integer.parseInt(Optional.ofNullable(set.tags()).map(t -> t.get(ScaleSets.INSTANCES_TAG))
                    .orElse("1"));
            if (mapped) {
                arm.update(n, set, null, null, null, ScaleSets.tags(set, slots, Map.of()));
            }
            if (slots.size() >= wanted) {
                arm.delete(n, id);
                LOG.infof("Slot %s: instance %s of %s deleted (%d serve without it)", instance.slot(), id,
                        n.scaleSet(), slots.size());
            } else {
                LOG.infof("Slot %s: instance %s of %s kept out of the load balancer for the next in-place upgrade"
                        + " (%d of %d slots left)", instance.slot(), id, n.scaleSet(), slots.size(), wanted);
            }
        } catch (ArmException e) {
            LOG.warnf("Releasing instance %s of %s: %s", id, n.scaleSet(), e.getMessage());
        }
    }

    /**
     * The model's bootstrap (the scale set's {@code userData}, read by the instance from the metadata service): the
     * version, the artifact to fetch and the environment — secret references as Key Vault references
     * ({@code @Microsoft.KeyVault(VaultName=..;SecretName=..)}) the instance resolves with its managed identity,
     * never a resolved value.
     */
    static String bootstrap(ProvisionSlot command, ScaleSetNames n) throws ProvisioningException {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(command.environment()).entrySet()) {
            env.put(e.getKey(), keyVaultReference(e.getKey(), e.getValue(), n.keyVault()));
        }
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("version", command.version());
        boot.put("artifact", command.artifact());
        boot.put("environment", env);
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsString(boot).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ProvisioningException("cannot write the bootstrap of " + n.scaleSet() + ": " + e.getMessage());
        }
    }

    static String keyVaultReference(String variable, String value, String vault) throws ProvisioningException {
        if (!SecretReference.isReference(value) || vault == null || vault.isBlank()) {
            return value;
        }
        SecretReference ref;
        try {
            ref = SecretReference.parse(variable, value);
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.configuration(e.getMessage());
        }
        return "@Microsoft.KeyVault(VaultName=" + vault + ";SecretName=" + ref.name()
                + (ref.version() == null ? "" : ";SecretVersion=" + ref.version()) + ")";
    }

    private static long number(String instanceId) {
        try {
            return Long.parseLong(instanceId);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean accepts(String url) {
        URI uri = URI.create(url);
        if (!uri.getHost().equals("127.0.0.1") && !uri.getHost().equals("localhost")) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 500);
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return LocalProcesses.accepts(uri.getPort());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
