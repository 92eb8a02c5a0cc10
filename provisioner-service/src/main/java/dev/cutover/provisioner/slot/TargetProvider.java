package dev.cutover.provisioner.slot;

import dev.cutover.events.ProvisionerCommand.ProvisionSlot;

import java.util.Map;
import java.util.function.Consumer;

/** Starts and stops instances of a version in a slot. One implementation per provider (local now, azure later). */
public interface TargetProvider {

    /**
     * Starts {@code command.version()} in {@code command.slot()} and returns once it accepts connections.
     * {@code spawned} is told about the instance as soon as it exists, before it is ready, so that it is
     * on record even if the provisioner stops while waiting.
     *
     * @param environment the instance's environment with secret references already resolved (use this, not
     *                    {@code command.environment()}); it goes to the instance and nowhere else: never log it,
     *                    never store it
     * @throws ProvisioningException when it does not come up (the instance is stopped again)
     */
    SlotInstance start(ProvisionSlot command, Map<String, String> environment, Consumer<SlotInstance> spawned)
            throws ProvisioningException;

    /**
     * Whether this provider starts the artifact from this machine: then it is given the provisioner's verified copy
     * (a downloaded or digest-checked file in the artifact cache) instead of the request's URL. A platform that
     * fetches the artifact itself (Azure) gets the URL, after the provisioner has checked what it serves against
     * the request's sha256.
     */
    default boolean runsLocalCopy() {
        return false;
    }

    /** Still running (and the same instance, not a recycled id)? */
    boolean alive(SlotInstance instance);

    /** Waits until a running instance accepts connections (e.g. after a provisioner restart). */
    void awaitReady(SlotInstance instance) throws ProvisioningException;

    /** Stops the instance gracefully, forcibly if it does not exit in time. Idempotent. */
    void stop(SlotInstance instance);
}
