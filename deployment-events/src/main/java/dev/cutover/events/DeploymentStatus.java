package dev.cutover.events;

/** Where a deployment is. The last three are terminal. */
public enum DeploymentStatus {
    PENDING, CONFIGURING, PROVISIONING, VERIFYING, SWITCHING, MONITORING, CLEANING_UP, ROLLING_BACK,
    SUCCEEDED, FAILED, ROLLED_BACK;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK;
    }
}
