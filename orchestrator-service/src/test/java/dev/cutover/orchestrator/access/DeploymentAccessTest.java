package dev.cutover.orchestrator.access;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.access.DeploymentAccess.Allowed;
import dev.cutover.orchestrator.access.DeploymentAccess.Forbidden;
import dev.cutover.orchestrator.access.DeploymentAccess.Hidden;
import dev.cutover.orchestrator.access.DeploymentAccess.Unauthenticated;
import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.model.AuditEntry;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.OperatorAction.Kind;
import dev.cutover.security.access.Grants;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentAccessTest {

    private final DeploymentAccess rules = new DeploymentAccess(Set.of("production"));

    private static Caller caller(String subject, String... grants) {
        return new Caller(subject, Grants.of(grants));
    }

    private static Deployment deployment(String application, String environment, String requester) {
        return new Deployment.Builder().id("d-1").target(new Target(application, environment)).version("1.0.0")
                .status(DeploymentStatus.AWAITING_APPROVAL).createdAt(Instant.EPOCH)
                .addAudit(AuditEntry.of("start", Actor.rest(requester), Instant.EPOCH, null, null)).build();
    }

    @Test
    void withoutATokenNothingIsAllowed() {
        Deployment d = deployment("shop", "staging", "alice");
        Caller anonymous = Caller.anonymous();
        assertInstanceOf(Unauthenticated.class, rules.start(anonymous, "shop", "staging"));
        assertInstanceOf(Unauthenticated.class, rules.read(anonymous, d));
        assertFalse(rules.visible(anonymous, d));
        for (Kind kind : Kind.values()) {
            assertInstanceOf(Unauthenticated.class, rules.act(anonymous, d, kind));
        }
        assertInstanceOf(Unauthenticated.class, rules.redeploy(anonymous, d));
        // a subject without grants is authenticated, and still may do nothing
        Caller nobody = caller("bob");
        assertInstanceOf(Forbidden.class, rules.start(nobody, "shop", "staging"));
        assertInstanceOf(Hidden.class, rules.read(nobody, d));
    }

    @Test
    void startNeedsTheDeployerRoleForTheRequestsTarget() {
        assertInstanceOf(Allowed.class, rules.start(caller("bob", "cutover:deployer:shop:staging"), "shop", "staging"));
        assertInstanceOf(Allowed.class, rules.start(caller("bob", "cutover:admin:*:*"), "shop", "staging"));
        assertInstanceOf(Forbidden.class, rules.start(caller("bob", "cutover:deployer:shop:staging"), "shop",
                "production"));
        assertInstanceOf(Forbidden.class, rules.start(caller("bob", "cutover:deployer:billing:staging"), "shop",
                "staging"));
        assertInstanceOf(Forbidden.class, rules.start(caller("bob", "cutover:viewer:shop:staging"), "shop", "staging"));
        assertInstanceOf(Forbidden.class, rules.start(caller("bob", "cutover:approver:shop:staging"), "shop",
                "staging"));
    }

    @Test
    void anotherApplicationsDeploymentIsHiddenForEveryCall() {
        Deployment d = deployment("shop", "staging", "alice");
        Caller other = caller("carol", "cutover:admin:billing:*");
        assertFalse(rules.visible(other, d));
        assertInstanceOf(Hidden.class, rules.read(other, d));
        for (Kind kind : Kind.values()) {
            assertInstanceOf(Hidden.class, rules.act(other, d, kind), kind.path());
        }
        assertInstanceOf(Hidden.class, rules.redeploy(other, d));
    }

    @Test
    void eachRoleMayDoItsActionsOnlyWhereItIsGranted() {
        Deployment d = deployment("shop", "staging", "alice");
        Set<Kind> deployerActions = EnumSet.complementOf(EnumSet.of(Kind.APPROVE));
        for (Kind kind : Kind.values()) {
            boolean deployer = deployerActions.contains(kind);
            assertEquals(deployer, rules.act(caller("bob", "cutover:deployer:shop:staging"), d, kind)
                    instanceof Allowed, "deployer " + kind);
            assertEquals(!deployer, rules.act(caller("bob", "cutover:approver:shop:staging"), d, kind)
                    instanceof Allowed, "approver " + kind);
            assertInstanceOf(Forbidden.class, rules.act(caller("bob", "cutover:viewer:shop:staging"), d, kind));
            assertInstanceOf(Allowed.class, rules.act(caller("bob", "cutover:admin:shop:*"), d, kind));
        }
        assertInstanceOf(Allowed.class, rules.read(caller("bob", "cutover:viewer:shop:staging"), d));
        assertInstanceOf(Allowed.class, rules.redeploy(caller("bob", "cutover:deployer:shop:staging"), d));
        assertInstanceOf(Forbidden.class, rules.redeploy(caller("bob", "cutover:approver:shop:staging"), d));
        // a grant for another environment of the same application makes it visible only there
        assertInstanceOf(Hidden.class, rules.act(caller("bob", "cutover:deployer:shop:production"), d, Kind.ABORT));
    }

    @Test
    void fourEyesInAConfiguredEnvironmentOnly() {
        Deployment production = deployment("shop", "production", "alice");
        Forbidden own = assertInstanceOf(Forbidden.class,
                rules.act(caller("alice", "cutover:admin:*:*"), production, Kind.APPROVE));
        assertTrue(own.fourEyes());
        assertInstanceOf(Allowed.class, rules.act(caller("bob", "cutover:approver:shop:production"), production,
                Kind.APPROVE));
        // the requester may still steer it otherwise
        assertInstanceOf(Allowed.class, rules.act(caller("alice", "cutover:admin:*:*"), production, Kind.ABORT));

        Deployment staging = deployment("shop", "staging", "alice");
        assertInstanceOf(Allowed.class, rules.act(caller("alice", "cutover:admin:*:*"), staging, Kind.APPROVE));
        DeploymentAccess none = new DeploymentAccess(Set.of());
        assertInstanceOf(Allowed.class, none.act(caller("alice", "cutover:admin:*:*"), production, Kind.APPROVE));
        // a wrong role is refused as such, not as four eyes
        Forbidden wrongRole = assertInstanceOf(Forbidden.class,
                rules.act(caller("alice", "cutover:deployer:shop:production"), production, Kind.APPROVE));
        assertFalse(wrongRole.fourEyes());
    }

    @Test
    void aCiRequestIsApprovedByAPerson() {
        Deployment d = new Deployment.Builder().id("d-2").target(new Target("shop", "production")).version("1.0.0")
                .status(DeploymentStatus.AWAITING_APPROVAL).createdAt(Instant.EPOCH)
                .addAudit(AuditEntry.of("start", Actor.kafka("ci:github"), Instant.EPOCH, null, null)).build();
        assertInstanceOf(Allowed.class, rules.act(caller("bob", "cutover:approver:shop:production"), d, Kind.APPROVE));
    }
}
