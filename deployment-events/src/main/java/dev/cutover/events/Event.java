package dev.cutover.events;

/** Facts in the past tense, published by the service that made them happen. */
public sealed interface Event extends Message
        permits DeploymentRequestEvent, DeploymentEvent, ConfigEvent, ProvisionerEvent, HealthMonitorEvent,
        RollbackEvent {
}
