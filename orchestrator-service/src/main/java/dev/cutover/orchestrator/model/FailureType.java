package dev.cutover.orchestrator.model;

/** What kind of failure the orchestrator saw; the recovery policy is chosen by it. */
public enum FailureType {
    INFRASTRUCTURE_FAILURE, APPLICATION_FAILURE, CONFIGURATION_ERROR, NETWORK_ISSUE, TIMEOUT, HEALTH_CHECK_FAILURE,
    ROLLBACK_FAILURE
}
