package dev.cutover.secrets;

/**
 * Why a secret could not be resolved. The message names the secret and the store, never a value. Not found
 * and access denied are configuration errors (waiting does not help); unavailable is the store's trouble.
 */
public abstract sealed class SecretStoreException extends Exception {

    protected SecretStoreException(String message) {
        super(message);
    }

    /** Should an operator fix the configuration (reference, grants) rather than wait for the store? */
    public abstract boolean configurationError();

    /** No such secret, or no such version of it. */
    public static final class NotFound extends SecretStoreException {
        public NotFound(SecretReference reference, String store, String detail) {
            super("secret " + reference.describe() + " not found in " + store + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }

        @Override
        public boolean configurationError() {
            return true;
        }
    }

    /** The store refuses to hand the secret to this service (identity, grants, disabled secret). */
    public static final class AccessDenied extends SecretStoreException {
        public AccessDenied(SecretReference reference, String store, String detail) {
            super("access to secret " + reference.describe() + " in " + store + " denied (" + detail + ")");
        }

        @Override
        public boolean configurationError() {
            return true;
        }
    }

    /** Throttled, unreachable, or unusable (e.g. a local secret file that others can read). */
    public static final class Unavailable extends SecretStoreException {
        public Unavailable(SecretReference reference, String store, String detail) {
            super("secret " + reference.describe() + " could not be read from " + store + ": " + detail);
        }

        @Override
        public boolean configurationError() {
            return false;
        }
    }
}
