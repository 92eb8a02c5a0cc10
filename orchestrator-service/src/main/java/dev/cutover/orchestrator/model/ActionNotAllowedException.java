package dev.cutover.orchestrator.deployment;

/** An operator action that the deployment's current status does not allow (REST: 409). */
public class ActionNotAllowedException extends RuntimeException {

    public ActionNotAllowedException(String message) {
        super(message);
    }
}
