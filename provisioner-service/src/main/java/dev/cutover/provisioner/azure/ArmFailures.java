package dev.cutover.provisioner.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import dev.cutover.events.ProvisionerEvent.FailureCause;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * What kind of failure an exception from the Azure SDK is. ARM's answer decides: 400 / 401 / 403 / 404 (and other
 * 4xx) are the configuration's (a wrong name, a missing role, a bad subscription: waiting does not help); 409 /
 * 5xx, and a 429 the SDK's retries (honouring Retry-After) did not get past, are the infrastructure's; no answer is
 * the network's; an operation still running at its deadline a timeout.
 */
public final class ArmFailures {

    private ArmFailures() {
    }

    /** The failure of {@code what} (an operation on a resource, e.g. "swap slot staging of shop-prod"). */
    public static ArmException classify(String what, Throwable e) {
        if (e instanceof ArmException arm) {
            return arm;
        }
        HttpResponseException http = find(e, HttpResponseException.class);
        if (http != null && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String code = null;
            String message = null;
            if (http instanceof ManagementException management && management.getValue() != null) {
                code = management.getValue().getCode();
                message = management.getValue().getMessage();
            }
            FailureCause kind = status == 409 || status == 429 || status >= 500 ? FailureCause.INFRASTRUCTURE
                    : status >= 400 ? FailureCause.CONFIGURATION : FailureCause.INFRASTRUCTURE;
            String reason = what + ": Azure Resource Manager answered " + status + (code == null ? "" : " " + code)
                    + (message == null ? "" : " (" + message + ")");
            return new ArmException(reason, e, kind, status, code);
        }
        if (find(e, TimeoutException.class) != null) {
            return new ArmException(what + ": no outcome in time (" + e.getMessage() + ")", e, FailureCause.TIMEOUT,
                    null, null);
        }
        if (find(e, IOException.class) != null || find(e, UncheckedIOException.class) != null) {
            return new ArmException(what + ": Azure Resource Manager could not be reached (" + rootMessage(e) + ")", e,
                    FailureCause.NETWORK, null, null);
        }
        return new ArmException(what + ": " + e, e, FailureCause.INFRASTRUCTURE, null, null);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
