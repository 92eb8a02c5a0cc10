package dev.cutover.orchestrator.access;

import dev.cutover.security.access.Grants;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The REST API's access rules as configured. The grants are the identity's roles: Quarkus OIDC reads them from the
 * claim {@code quarkus.oidc.roles.role-claim-path} names ({@code groups}; {@code roles} for Entra ID app roles), the
 * same setting every service reads. Four eyes: {@code cutover.orchestrator.four-eyes.environments} (default
 * {@code production}; empty or {@code none}: no environment).
 */
@ApplicationScoped
public class AccessControl {

    private final DeploymentAccess rules;

    AccessControl(@ConfigProperty(name = "cutover.orchestrator.four-eyes.environments", defaultValue = "production")
                  List<String> fourEyes) {
        Set<String> environments = new LinkedHashSet<>();
        for (String e : fourEyes) {
            if (!e.isBlank() && !"none".equals(e.strip())) {
                environments.add(e.strip());
            }
        }
        this.rules = new DeploymentAccess(environments);
    }

    public DeploymentAccess rules() {
        return rules;
    }

    /**
     * The caller of this request: a verified token's subject ({@code sub}; another kind of identity: its name) and
     * the grants among its roles; anonymous without one.
     */
    public Caller caller(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Caller.anonymous();
        }
        Principal principal = identity.getPrincipal();
        String subject = principal instanceof JsonWebToken jwt && jwt.getSubject() != null ? jwt.getSubject()
                : principal == null ? null : principal.getName();
        return new Caller(subject, Grants.of(identity.getRoles()));
    }
}
