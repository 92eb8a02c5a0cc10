/**
 * Durable in-flight work of the health monitor: every RunHealthCheck and RunAnalysis is recorded
 * ({@link dev.cutover.healthmonitor.work.WorkRecord}) in the work log before its command is acknowledged, updated
 * when an analysis's metric window opens and when a verdict is decided (DONE, with the verdict event), and resumed
 * by {@link dev.cutover.healthmonitor.work.WorkResumer} when the partition its target is on is assigned to this
 * replica. The restart rule of analyses is in the {@code analysis} package documentation.
 */
package dev.cutover.healthmonitor.work;
