package dev.cutover.provisioner.azure.appservice;

import dev.cutover.secrets.SecretReference;
import dev.cutover.provisioner.slot.ProvisioningException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A slot's app settings from a command's environment: {@code secret://name[/version]} becomes App Service's Key Vault
 * reference {@code @Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>[/<version>])}, which
 * App Service resolves with the site's managed identity. The provisioner never sees, and never writes, a secret's
 * value.
 */
final class AppSettings {

    private AppSettings() {
    }

    static Map<String, String> of(Map<String, String> environment, String keyVault) throws ProvisioningException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String value = e.getValue();
            if (SecretReference.isReference(value)) {
                if (keyVault == null || keyVault.isBlank()) {
                    throw ProvisioningException.configuration(e.getKey() + " is a secret reference but the placement "
                            + "names no Key Vault (target.azure.key-vault)");
                }
                SecretReference ref;
                try {
                    ref = SecretReference.parse(e.getKey(), value);
                } catch (RuntimeException invalid) {
                    throw ProvisioningException.configuration(invalid.getMessage());
                }
                value = "@Microsoft.KeyVault(SecretUri=https://" + keyVault + ".vault.azure.net/secrets/" + ref.name()
                        + (ref.version() == null ? "" : "/" + ref.version()) + ")";
            }
            settings.put(e.getKey(), value);
        }
        return settings;
    }
}
