package dev.cutover.orchestrator.access;

import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.security.access.Permission;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what to deployments, deny by default. A deployment of an (application, environment) the caller has
 * no grant for is invisible: reading it or acting on it answers as if it did not exist (404). Visible but without
 * the role for the call: 403. Approving in a four-eyes environment needs someone other than the requester.
 */
public final class DeploymentAccess {

    /** The outcome of a check. */
    public sealed interface Decision {
    }

    public record Allowed() implements Decision {
    }

    /** No token, or one that could not be verified: 401. */
    public record Unauthenticated() implements Decision {
    }

    /** Not visible to the caller: answer as not found (404). */
    public record Hidden() implements Decision {
    }

    /** Visible, but not allowed (403); {@code fourEyes} when the requester tried to approve their own deployment. */
    public record Forbidden(String detail, boolean fourEyes) implements Decision {
    }

    private static final Decision ALLOWED = new Allowed();

    private final Set<String> fourEyesEnvironments;

    public DeploymentAccess(Set<String> fourEyesEnvironments) {
        this.fourEyesEnvironments = Set.copyOf(fourEyesEnvironments);
    }

    public Set<String> fourEyesEnvironments() {
        return fourEyesEnvironments;
    }

    /** Starting a deployment of (application, environment): deployer there. */
    public Decision start(Caller caller, String application, String environment) {
        if (!caller.authenticated()) {
            return new Unauthenticated();
        }
        if (caller.grants().allows(Permission.START, application, environment)) {
            return ALLOWED;
        }
        return new Forbidden("starting a deployment of " + application + "/" + environment + " needs the deployer"
                + " role for it", false);
    }

    /** Whether the caller sees the deployment at all (any role for its application and environment). */
    public boolean visible(Caller caller, Deployment d) {
        return caller.authenticated()
                && caller.grants().visible(d.target().application(), d.target().environment());
    }

    public Decision read(Caller caller, Deployment d) {
        if (!caller.authenticated()) {
            return new Unauthenticated();
        }
        return visible(caller, d) ? ALLOWED : new Hidden();
    }

    /** An operator action on the deployment; approve also checks four eyes. */
    public Decision act(Caller caller, Deployment d, OperatorAction.Kind kind) {
        return act(caller, d, permission(kind));
    }

    /** Deploying the deployment again (a new deployment of its target). */
    public Decision redeploy(Caller caller, Deployment d) {
        return act(caller, d, Permission.REDEPLOY);
    }

    private Decision act(Caller caller, Deployment d, Permission permission) {
        Decision read = read(caller, d);
        if (!(read instanceof Allowed)) {
            return read;
        }
        String application = d.target().application();
        String environment = d.target().environment();
        if (!caller.grants().allows(permission, application, environment)) {
            String role = permission == Permission.APPROVE ? "approver" : "deployer";
            return new Forbidden(permission.name().toLowerCase(Locale.ROOT) + " on " + application + "/"
                    + environment + " needs the " + role + " role for it", false);
        }
        if (permission == Permission.APPROVE && fourEyesEnvironments.contains(environment)) {
            Optional<Actor> requester = d.requester();
            if (requester.isPresent() && requester.get().subject().equals(caller.subject())) {
                return new Forbidden("four eyes: a deployment to " + environment + " is approved by someone other"
                        + " than its requester", true);
            }
        }
        return ALLOWED;
    }

    static Permission permission(OperatorAction.Kind kind) {
        return switch (kind) {
            case PROMOTE -> Permission.PROMOTE;
            case PAUSE -> Permission.PAUSE;
            case RESUME -> Permission.RESUME;
            case ABORT -> Permission.ABORT;
            case APPROVE -> Permission.APPROVE;
            case ROLLBACK -> Permission.ROLLBACK;
        };
    }
}
