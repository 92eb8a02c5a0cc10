/**
 * The {@code azure} provider's {@code scale-set} kind: rolling deployments on an Azure Virtual Machine Scale Set
 * behind an Azure Load Balancer, through the SDK's generated compute and network clients.
 * <p>
 * <b>Mapping.</b> The orchestrator's rolling slots ({@code a1..aN}, the next deployment {@code b1..bN}) are scale-set
 * instances, one slot per instance; the scale set's tag {@code cutover-slots} ({@code a1=3,a2=4,...}) says which, so
 * the mapping survives a provisioner restart (and a provisioner on another machine). The scale set's model says what
 * an instance runs: its {@code userData} is the bootstrap {@code {"version", "artifact", "environment"}} (the artifact
 * is the package URL the instance fetches; the environment has secret references as Key Vault references that the
 * instance resolves with its managed identity, never resolved values), its sku the environment's
 * {@code infrastructure.instance-size}; upgrade policy Manual, so a model change reaches an instance only when the
 * provider says so. Autoscale settings are the infrastructure plan's, not made here.
 * <p>
 * <b>ProvisionSlot bK, version V</b> ({@link dev.cutover.provisioner.azure.scaleset.ScaleSetTargetProvider#start}):
 * the model is set to V (one PATCH), then exactly one instance is brought to V. With max-surge the command arrives
 * while all N old instances still have slots: the scale set grows by one (capacity + 1; the new instance is made from
 * the latest model). With max-unavailable an old instance was released just before and fewer than N slots are
 * mapped: that released instance — out of the load balancer since its release — is upgraded in place
 * ({@code POST .../manualupgrade} with its instance id). Instance by instance, never more than one at a time (the
 * orchestrator sends the next ProvisionSlot only after this one's health check and traffic shift). The slot's URL is
 * the instance's own address: the load balancer's frontend and the instance's inbound NAT port.
 * <p>
 * <b>ShiftTraffic</b> ({@link dev.cutover.provisioner.azure.scaleset.ScaleSetTrafficRouter}): the load balancer has no
 * weights, so weight above 0 is membership of the backend pool and 0 is out of it; the instance's NIC configuration
 * is changed ({@code PUT .../virtualMachines/{id}}), only for instances whose membership changes, joins before leaves.
 * <p>
 * <b>ReleaseSlot</b>: out of the pool, drained (the load balancer no longer lists it), then the slot's mapping is
 * dropped and the instance is deleted ({@code POST .../delete}) when the others still make the environment's instance
 * count (max-surge), or kept out of the pool as a spare when they do not (max-unavailable): the next ProvisionSlot
 * upgrades it in place instead of creating one, so that mode never has more than N instances. A spare left when a
 * deployment ends early is reused by the next deployment's first ProvisionSlot.
 * <p>
 * Failures are {@link dev.cutover.provisioner.slot.ProvisioningException}s whose kind is ARM's answer: 4xx
 * CONFIGURATION, 409 / 429 / 5xx / a failed operation INFRASTRUCTURE, no answer NETWORK, an operation or an instance
 * still not done at its deadline TIMEOUT; the reason names the operation and the resource.
 */
package dev.cutover.provisioner.azure.scaleset;
