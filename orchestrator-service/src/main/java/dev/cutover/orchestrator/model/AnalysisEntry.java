package dev.cutover.orchestrator.model;

import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.HealthMonitorEvent.Verdict;

import java.time.Instant;

/** One AnalysisCompleted as received, and what the orchestrator did with it. */
public record AnalysisEntry(int step, int canaryWeight, Verdict verdict, DecisionRecord decision, Instant receivedAt,
                            String action) {
}
