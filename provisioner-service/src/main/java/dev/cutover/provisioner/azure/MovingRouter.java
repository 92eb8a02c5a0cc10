package dev.cutover.provisioner.azure;

import dev.cutover.events.Target;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.traffic.RouterHandle;

import java.util.Map;

/**
 * A TrafficRouter whose handle changes with what it does: App Service's metrics source names which App Service slot
 * holds which Cutover slot, and a deploy or a swap changes that. The ProvisioningService reports
 * {@link #current} after such a change, not the handle it had before.
 */
public interface MovingRouter {

    RouterHandle current(Target target, RouterHandle before) throws ProvisioningException;

    /**
     * Where each of the target's slots answers now (base URLs by Cutover slot): after a swap the new version is on
     * the production host and the old one on the staging host, so health checks of a slot must follow it.
     */
    Map<String, String> instanceUrls(Target target) throws ProvisioningException;
}
