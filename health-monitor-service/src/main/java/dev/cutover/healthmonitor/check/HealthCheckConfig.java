package dev.cutover.healthmonitor.check;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tuning of the check engine; what to probe and how long comes with each command. */
@ConfigMapping(prefix = "cutover.health-check")
public interface HealthCheckConfig {

    /** How much of a failing probe's response body is quoted in the reason. */
    @WithDefault("200")
    int bodyExcerptChars();

    /** Threads for round timers and HTTP completions; checks never block them. */
    @WithDefault("2")
    int threads();

    /** How many handled command ids are remembered to ignore redeliveries. */
    @WithDefault("10000")
    int rememberedCommands();
}
