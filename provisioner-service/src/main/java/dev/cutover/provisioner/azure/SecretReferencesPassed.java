package dev.cutover.provisioner.azure;

/**
 * A TargetProvider whose platform resolves secrets itself (App Service Key Vault references, a scale set's
 * managed identity): the ProvisioningService gives it the command's environment with {@code secret://} references
 * as they are, and resolves nothing on the provisioner, so no secret value ever passes through it.
 */
public interface SecretReferencesPassed {
}
