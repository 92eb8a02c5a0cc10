package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.provisioner.slot.ProvisioningException;

import java.util.Optional;

/** Reads and writes the plan's resources in one subscription; failures classified (see ArmFailures). */
public interface ArmResources {

    /** The resource as ARM has it, or empty if it does not exist. */
    Optional<JsonNode> read(DesiredResource resource) throws ProvisioningException;

    /** PUTs {@code body} (waiting for a long-running operation) and answers the resource as ARM then has it. */
    JsonNode write(DesiredResource resource, ObjectNode body) throws ProvisioningException;
}
