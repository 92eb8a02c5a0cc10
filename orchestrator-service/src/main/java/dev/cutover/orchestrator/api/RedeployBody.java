package dev.cutover.orchestrator.api;

/**
 * The optional body of a redeploy; the service checks the policy as it does for any request. {@code reason}: why,
 * recorded in the new deployment's audit.
 */
public record RedeployBody(String onConflict, String reason) {
}
