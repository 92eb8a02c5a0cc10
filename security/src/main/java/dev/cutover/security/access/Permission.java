package dev.cutover.security.access;

/** What a call does, checked against a token's grants for one (application, environment). */
public enum Permission {
    READ,
    START,
    PROMOTE,
    PAUSE,
    RESUME,
    ABORT,
    ROLLBACK,
    REDEPLOY,
    APPROVE
}
