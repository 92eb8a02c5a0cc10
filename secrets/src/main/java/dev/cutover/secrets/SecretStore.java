package dev.cutover.secrets;

/**
 * Resolves secret references to their values. One implementation per store ({@code local},
 * {@code azure-keyvault}), chosen in {@link SecretStoreSelection}. Implementations must never put a value in
 * an exception message or a log line.
 */
public interface SecretStore {

    /** The store's name in configuration and in failure reasons: {@code local}, {@code azure-keyvault}. */
    String kind();

    /**
     * The value of the referenced secret (the pinned version if the reference has one, else the current one).
     *
     * @throws SecretStoreException.NotFound     no such secret (or version)
     * @throws SecretStoreException.AccessDenied the store refuses to give it to us
     * @throws SecretStoreException.Unavailable  the store cannot answer now (throttled, down, unusable)
     */
    String resolve(SecretReference reference) throws SecretStoreException;
}
