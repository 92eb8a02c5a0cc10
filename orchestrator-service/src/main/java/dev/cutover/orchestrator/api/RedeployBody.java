package dev.cutover.orchestrator.api;

/** The optional body of a redeploy; the service checks the policy as it does for any request. */
public record RedeployBody(String onConflict) {
}
