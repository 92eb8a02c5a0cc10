package dev.cutover.security.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantsTest {

    private static final Set<Permission> DEPLOYER_ACTIONS = EnumSet.of(
            Permission.START,
            Permission.PROMOTE,
            Permission.PAUSE,
            Permission.RESUME,
            Permission.ABORT,
            Permission.ROLLBACK,
            Permission.REDEPLOY);

    @Test
    void noClaimGrantsNothing() {
        for (Grants grants : List.of(Grants.of(List.of()), Grants.of((List<String>) null), Grants.none(),
                Grants.fromClaim(null))) {
            assertTrue(grants.isEmpty());
            for (Permission permission : Permission.values()) {
                assertFalse(grants.allows(permission, "shop", "staging"));
            }
            assertFalse(grants.visible("shop", "staging"));
            assertFalse(grants.allowsSomewhere(Permission.READ, null));
        }
    }

    @Test
    void eachRoleAllowsExactlyItsPermissions() {
        assertPermissions("viewer", EnumSet.of(Permission.READ));
        EnumSet<Permission> deployer = EnumSet.copyOf(DEPLOYER_ACTIONS);
        deployer.add(Permission.READ);
        assertPermissions("deployer", deployer);
        assertPermissions("approver", EnumSet.of(Permission.READ, Permission.APPROVE));
        assertPermissions("admin", EnumSet.allOf(Permission.class));
    }

    private static void assertPermissions(String role, Set<Permission> expected) {
        Grants grants = Grants.of("cutover:" + role + ":shop:staging");
        for (Permission permission : Permission.values()) {
            assertEquals(expected.contains(permission), grants.allows(permission, "shop", "staging"),
                    role + " " + permission);
        }
        assertTrue(grants.visible("shop", "staging"));
    }

    @Test
    void aGrantIsScopedToItsApplicationAndEnvironment() {
        Grants grants = Grants.of("cutover:deployer:shop:staging");
        assertTrue(grants.allows(Permission.START, "shop", "staging"));
        assertFalse(grants.allows(Permission.START, "shop", "production"));
        assertFalse(grants.allows(Permission.START, "billing", "staging"));
        assertFalse(grants.visible("billing", "staging"));
        assertFalse(grants.visible("shop", "production"));
        assertFalse(grants.allows(Permission.START, null, "staging"));
    }

    @Test
    void wildcardsCoverAnyApplicationOrEnvironment() {
        Grants anyEnvironment = Grants.of("cutover:deployer:shop:*");
        assertTrue(anyEnvironment.allows(Permission.START, "shop", "production"));
        assertTrue(anyEnvironment.allows(Permission.START, "shop", "staging"));
        assertFalse(anyEnvironment.allows(Permission.START, "billing", "staging"));

        Grants anyApplication = Grants.of("cutover:viewer:*:staging");
        assertTrue(anyApplication.visible("billing", "staging"));
        assertFalse(anyApplication.visible("billing", "production"));

        Grants everything = Grants.of("cutover:admin:*:*");
        assertTrue(everything.allows(Permission.APPROVE, "anything", "production"));
        assertTrue(everything.allows(Permission.READ, null, null));
    }

    @Test
    void rolesAddUpAcrossEntries() {
        Grants grants = Grants.of("cutover:deployer:shop:staging", "cutover:approver:shop:production");
        assertTrue(grants.allows(Permission.START, "shop", "staging"));
        assertFalse(grants.allows(Permission.APPROVE, "shop", "staging"));
        assertTrue(grants.allows(Permission.APPROVE, "shop", "production"));
        assertFalse(grants.allows(Permission.START, "shop", "production"));
        assertEquals(Optional.of(Role.APPROVER), grants.roleFor(Permission.APPROVE, "shop", "production"));
        assertEquals(Optional.empty(), grants.roleFor(Permission.START, "shop", "production"));
    }

    @Test
    void entriesThatAreNotCutoverGrantsAreIgnored() {
        Grants grants = Grants.of(
                "8c2f0c8e-4f2e-4a7a-9d0e-1f7c1c0e0a11", // an Entra group id
                "cutover:deployer:shop", // too short
                "cutover:deployer:shop:staging:extra", // too long
                "cutover:owner:shop:staging", // unknown role
                "cutover:Deployer:shop:staging", // roles are lower case
                "other:deployer:shop:staging", // another prefix
                "cutover:deployer:sh*p:staging", // wildcards only as a whole segment
                "cutover:deployer::staging", // empty
                "cutover:deployer:shop:STAGING"); // not a name the services accept
        assertTrue(grants.isEmpty());
        assertFalse(grants.allows(Permission.START, "shop", "staging"));
    }

    @Test
    void somewhereMeansAnyApplicationOfTheEnvironment() {
        Grants grants = Grants.of("cutover:viewer:shop:staging");
        assertTrue(grants.allowsSomewhere(Permission.READ, "staging"));
        assertTrue(grants.allowsSomewhere(Permission.READ, null));
        assertFalse(grants.allowsSomewhere(Permission.READ, "production"));
        assertFalse(grants.allowsSomewhere(Permission.START, "staging"));
    }

    @Test
    void rawClaimValuesAsJwtLibrariesGiveThem() {
        // a JSON array as strings, as JSON strings (quoted toString), or one space- or comma-separated string
        assertTrue(Grants.fromClaim(List.of("cutover:viewer:shop:staging")).visible("shop", "staging"));
        assertTrue(Grants.fromClaim(List.of("\"cutover:viewer:shop:staging\"")).visible("shop", "staging"));
        Grants joined = Grants.fromClaim("cutover:viewer:shop:staging cutover:approver:shop:production");
        assertTrue(joined.visible("shop", "staging"));
        assertTrue(joined.allows(Permission.APPROVE, "shop", "production"));
        assertTrue(Grants.fromClaim("cutover:viewer:a:b,cutover:viewer:c:d").visible("c", "d"));
    }

    @Test
    void claimIsTheInverseOfParse() {
        String claim = Grant.claim(Role.DEPLOYER, "shop", Grant.ANY);
        assertEquals("cutover:deployer:shop:*", claim);
        assertEquals(Optional.of(new Grant(Role.DEPLOYER, "shop", "*")), Grant.parse(claim));
    }
}
