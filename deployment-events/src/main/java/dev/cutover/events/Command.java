package dev.cutover.events;

/** Imperative messages, each handled by exactly one agent. */
public sealed interface Command extends Message
        permits ConfigCommand, ProvisionerCommand, HealthMonitorCommand, RollbackCommand {
}
