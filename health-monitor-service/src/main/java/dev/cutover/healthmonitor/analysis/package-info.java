/**
 * Canary analysis: {@link dev.cutover.healthmonitor.analysis.Analyses} runs one
 * {@link dev.cutover.healthmonitor.analysis.AnalysisRun} per deployment, judged by
 * {@link dev.cutover.healthmonitor.analysis.AnalysisJudge}.
 *
 * <h2>Restart rule</h2>
 * An analysis survives a crash of its replica, and moves with its target's partition to another one, through the
 * work log ({@code cutover.healthmonitor.commands.work}, see {@link dev.cutover.healthmonitor.work.WorkRecord}):
 * <ul>
 *   <li>Before the command is acknowledged, its record holds the command and its absolute start
 *       ({@code startedAt}) and window end ({@code deadline} = start + warm-up + {@code windowMs}).</li>
 *   <li>When a metric window opens (the warm-up's, then the comparison's), the record gets the window's phase, its
 *       start and the provider's checkpoint of that start: for the router, its cumulative per-backend counters
 *       (requests, errors, latency buckets) at that moment; for Prometheus, the start time; for Azure Monitor, the
 *       first minute and what it had counted per slot.</li>
 *   <li>A resumed analysis keeps its original absolute window end; its samples are re-read from the router's
 *       cumulative per-backend counters since the recorded start snapshot. So it sees every request of the window,
 *       those before the crash included, and reaches the verdict it would have reached without the crash (a router
 *       restart in between is handled as for a running window: its counters start again from zero).</li>
 *   <li>Crashed before the window's checkpoint was written (between acknowledging and the first metrics read): the
 *       resumed run opens a fresh window now, still ending at the original absolute end (fewer samples; too few
 *       extend the window or apply the insufficient-data policy, as for any short window).</li>
 *   <li>Not recorded: extensions and the canary's health-failure streak. A resumed run past its window's end
 *       decides at its first read on the whole window so far, extending one tick at a time while data is short; a
 *       health streak starts again from zero.</li>
 *   <li>A decided analysis's record becomes DONE with its {@code AnalysisCompleted}: the same RunAnalysis (same
 *       messageId) re-sent is answered with that event again and starts nothing; DONE records are pruned
 *       (tombstoned) after {@code cutover.health-monitor.work.done-retention} (1 h).</li>
 * </ul>
 */
package dev.cutover.healthmonitor.analysis;
