package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorEvent.ProbeResult;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** One HTTP probe. The future always completes normally: failures are described in the result. */
public interface ProbeClient {

    CompletableFuture<ProbeResult> probe(URI baseUrl, String path, long timeoutMs);
}
