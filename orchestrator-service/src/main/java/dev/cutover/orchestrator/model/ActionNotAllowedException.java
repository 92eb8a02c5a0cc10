package dev.cutover.orchestrator.model;

/** An operator action that the deployment's current status does not allow (REST: 409). */
public class ActionNotAllowedException extends RuntimeException {

    public ActionNotAllowedException(String message) {
        super(message);
    }

    public static ActionNotAllowedException of(Deployment d, OperatorAction.Kind kind, String why) {
        return new ActionNotAllowedException("cannot " + kind.path() + " deployment " + d.id() + " in status "
                + d.status() + ": " + why);
    }
}
