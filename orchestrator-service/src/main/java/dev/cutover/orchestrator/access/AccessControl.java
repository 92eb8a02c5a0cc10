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
 * The REST API's access rules as configured: which claim holds the grants ({@code cutover.access.grants-claim},
 * default {@code groups}; Entra ID app roles: {@code roles}) and which environments need four eyes to approve
 * ({@code cutover.orchestrator.four-eyes.environments}, default {@code production}; empty: none).
 */
@ApplicationScoped
public class AccessControl {

    private final String grantsClaim;
    private final DeploymentAccess rules;

    AccessControl(@ConfigProperty(name = "cutover.access.grants-claim", defaultValue = Grants.DEFAULT_CLAIM)
                  String grantsClaim,
                  @ConfigProperty(name = "cutover.orchestrator.four-eyes.environments", defaultValue = "production")
                  List<String> fourEyes) {
        this.grantsClaim = grantsClaim;
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
     * The caller of this request: a verified token's subject ({@code sub}) and the grants in its claim; anonymous
     * without one. Another kind of identity (a test's) gives its name and its roles as grants.
     */
    public Caller caller(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Caller.anonymous();
        }
        Principal principal = identity.getPrincipal();
        if (principal instanceof JsonWebToken jwt) {
            String subject = jwt.getSubject() != null ? jwt.getSubject() : jwt.getName();
            return new Caller(subject, Grants.fromClaim(jwt.getClaim(grantsClaim)));
        }
        return new Caller(principal == null ? null : principal.getName(), Grants.of(identity.getRoles()));
    }
}
