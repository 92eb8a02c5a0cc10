package dev.cutover.orchestrator.webhook;

import dev.cutover.security.webhook.RefusalReason;
import dev.cutover.security.webhook.Verification;

/**
 * A CI request that is not taken: thrown from the requests topic's handler so that the record goes to the
 * dead-letter topic with {@code dead-letter-reason: <kind>: <detail>} (kind: {@link RefusalReason#kind()}).
 */
public final class CiRequestRefused extends RuntimeException {

    private final transient Verification.Refused refusal;

    public CiRequestRefused(Verification.Refused refusal) {
        super(refusal.describe(), null, false, false);
        this.refusal = refusal;
    }

    public RefusalReason reason() {
        return refusal.reason();
    }

    public Verification.Refused refusal() {
        return refusal;
    }
}
