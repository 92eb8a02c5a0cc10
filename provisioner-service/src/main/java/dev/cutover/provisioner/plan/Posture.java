package dev.cutover.provisioner.plan;

import java.util.List;
import java.util.Map;

/**
 * The security-relevant facts of a desired state, as the hardening rules see them whatever the provider. A
 * {@code null} field means the provider has no such thing (local processes have no FTP endpoint): its rule is
 * SKIPPED, saying {@code where}. {@code appSettings} are the values as the platform will see them (a secret reference
 * or a Key Vault reference, or a literal). {@code internetInboundPorts}: ports the desired network rules open to the
 * internet.
 */
public record Posture(String where, Boolean httpsOnly, String minTlsVersion, String ftpsState,
                      Boolean managedIdentity, Map<String, String> appSettings, List<Integer> internetInboundPorts,
                      Boolean privateEndpoint, Boolean diagnostics) {
}
