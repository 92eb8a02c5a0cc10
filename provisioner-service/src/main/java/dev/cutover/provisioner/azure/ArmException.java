package dev.cutover.provisioner.azure;

import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.provisioner.slot.ProvisioningException;

/**
 * A failed Azure Resource Manager operation, of any {@link FailureCause} (ProvisioningException itself only makes
 * infrastructure, network and configuration failures; a long-running operation past its deadline is a timeout).
 */
public class ArmException extends ProvisioningException {

    private final FailureCause kind;
    private final Integer status;
    private final String code;

    public ArmException(String reason, Throwable cause, FailureCause kind, Integer status, String code) {
        super(reason, cause);
        this.kind = kind;
        this.status = status;
        this.code = code;
    }

    @Override
    public FailureCause kind() {
        return kind;
    }

    /** ARM's HTTP status, if it answered. */
    public Integer status() {
        return status;
    }

    /** ARM's error code ({@code Conflict}, {@code AuthenticationFailed}...), if it answered one. */
    public String code() {
        return code;
    }
}
