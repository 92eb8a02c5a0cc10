package dev.cutover.provisioner.slot;

/** An operation that could not be done; the message is the reason published in ProvisioningFailed. */
public class ProvisioningException extends Exception {

    public ProvisioningException(String reason) {
        super(reason);
    }

    public ProvisioningException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
