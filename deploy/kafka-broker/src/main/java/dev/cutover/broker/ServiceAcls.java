package dev.cutover.broker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The one definition of who may do what on the Kafka cluster in the secure profile: one SCRAM principal per
 * service (plus {@code ci}, which may only produce deployment requests), each allowed exactly the topics it
 * consumes (READ) or produces (WRITE, dead-letter topics included) and its consumer group. Everything else is
 * denied ({@code allow.everyone.if.no.acl.found=false}); {@value #ADMIN} is the only super user.
 * <p>
 * Derived from each service's {@code application.properties} ({@code mp.messaging.incoming.*.topic},
 * {@code *.dead-letter-queue.topic}, {@code group.id}) and from the message families it sends through its
 * {@code out} channel (whose records carry their own topic, see deployment-events' {@code Topics}). The secure
 * broker applies {@link #bindings()}; the docs' table is {@link #markdownTable()} ({@code java -cp ...
 * dev.cutover.broker.ServiceAcls}); a test in testing/kafka-test-resource checks this list against the services'
 * configuration and the contract's topics.
 */
public final class ServiceAcls {

    /** The super user: the broker itself (inter-broker and controller listeners) and operators' admin tools. */
    public static final String ADMIN = "admin";

    public static final String DEPLOYMENT_REQUESTS = "cutover.deployment.requests";
    public static final String DEPLOYMENT_EVENTS = "cutover.deployment.events";
    public static final String CONFIG_COMMANDS = "cutover.config.commands";
    public static final String CONFIG_EVENTS = "cutover.config.events";
    public static final String PROVISIONER_COMMANDS = "cutover.provisioner.commands";
    public static final String PROVISIONER_EVENTS = "cutover.provisioner.events";
    public static final String HEALTH_MONITOR_COMMANDS = "cutover.healthmonitor.commands";
    public static final String HEALTH_MONITOR_EVENTS = "cutover.healthmonitor.events";
    public static final String ROLLBACK_COMMANDS = "cutover.rollback.commands";
    public static final String ROLLBACK_EVENTS = "cutover.rollback.events";
    /** The orchestrator's compacted snapshot topic ({@code cutover.orchestrator.state-topic}); it creates it. */
    public static final String ORCHESTRATOR_STATE = "cutover.orchestrator.deployments";
    /** The orchestrator replicas' compacted membership topic (who answers for which partitions); it creates it. */
    public static final String ORCHESTRATOR_MEMBERS = "cutover.orchestrator.members";

    /** CDEvents from CI (orchestrator {@code CdEventsIntake}). */
    public static final String CDEVENTS_IN = "cutover.cdevents.in";
    /** CDEvents Cutover emits (orchestrator {@code CdEventsEmitter}). */
    public static final String CDEVENTS_OUT = "cutover.cdevents.out";
    /** Notifications no sink accepted (orchestrator {@code Notifier}). */
    public static final String NOTIFICATIONS_DLQ = "cutover.notifications.dlq";

    /** An agent's in-flight work beside its command topic (deployment-events' {@code WorkLog}); the agent creates it. */
    public static String work(String commandTopic) {
        return commandTopic + ".work";
    }

    /**
     * One principal's grants.
     *
     * @param name     SCRAM user name ({@code User:<name>})
     * @param service  the module that logs in as this principal
     * @param reads    topics it consumes (READ)
     * @param writes   topics it produces to (WRITE), dead-letter topics included
     * @param creates  topics it creates itself (CREATE, DESCRIBE_CONFIGS)
     * @param groups   consumer groups it joins (READ)
     */
    public record Principal(String name, String service, List<String> reads, List<String> writes,
            List<String> creates, List<String> groups) {

        public Principal {
            reads = List.copyOf(reads);
            writes = List.copyOf(writes);
            creates = List.copyOf(creates);
            groups = List.copyOf(groups);
        }

        /** {@code User:<name>}, as the authorizer sees it. */
        public String kafkaPrincipal() {
            return "User:" + name;
        }

        /** Every topic it may touch. */
        public Set<String> topics() {
            Set<String> all = new LinkedHashSet<>(reads);
            all.addAll(writes);
            all.addAll(creates);
            return all;
        }
    }

    private static final List<Principal> PRINCIPALS = List.of(
            new Principal("orchestrator", "orchestrator-service",
                    // the lifecycle events too: CDEvents out and notifications are made from them
                    List.of(DEPLOYMENT_REQUESTS, CONFIG_EVENTS, PROVISIONER_EVENTS, HEALTH_MONITOR_EVENTS,
                            ROLLBACK_EVENTS, ORCHESTRATOR_STATE, ORCHESTRATOR_MEMBERS, CDEVENTS_IN, DEPLOYMENT_EVENTS),
                    // the requests topic too: a CDEvent's mapped request goes to its target's owner that way
                    List.of(DEPLOYMENT_EVENTS, CONFIG_COMMANDS, PROVISIONER_COMMANDS, HEALTH_MONITOR_COMMANDS,
                            ROLLBACK_COMMANDS, ORCHESTRATOR_STATE, ORCHESTRATOR_MEMBERS, dlq(DEPLOYMENT_REQUESTS),
                            dlq(CONFIG_EVENTS),
                            dlq(PROVISIONER_EVENTS), dlq(HEALTH_MONITOR_EVENTS), dlq(ROLLBACK_EVENTS),
                            DEPLOYMENT_REQUESTS, CDEVENTS_OUT, NOTIFICATIONS_DLQ, dlq(CDEVENTS_IN),
                            dlq(DEPLOYMENT_EVENTS)),
                    List.of(ORCHESTRATOR_STATE, ORCHESTRATOR_MEMBERS),
                    List.of("cutover-orchestrator", "cutover-orchestrator-cdevents", "cutover-orchestrator-cdevents-out",
                            "cutover-orchestrator-notifications")),
            new Principal("config", "config-service",
                    List.of(CONFIG_COMMANDS),
                    List.of(CONFIG_EVENTS, dlq(CONFIG_COMMANDS)),
                    List.of(),
                    List.of("cutover-config-service")),
            new Principal("provisioner", "provisioner-service",
                    List.of(PROVISIONER_COMMANDS, work(PROVISIONER_COMMANDS)),
                    List.of(PROVISIONER_EVENTS, dlq(PROVISIONER_COMMANDS), work(PROVISIONER_COMMANDS)),
                    List.of(work(PROVISIONER_COMMANDS)),
                    List.of("cutover-provisioner")),
            new Principal("health-monitor", "health-monitor-service",
                    List.of(HEALTH_MONITOR_COMMANDS, work(HEALTH_MONITOR_COMMANDS)),
                    List.of(HEALTH_MONITOR_EVENTS, dlq(HEALTH_MONITOR_COMMANDS), work(HEALTH_MONITOR_COMMANDS)),
                    List.of(work(HEALTH_MONITOR_COMMANDS)),
                    List.of("cutover-health-monitor-service")),
            // the rollback saga drives the provisioner (ShiftTraffic, ReleaseSlot) and follows its events
            new Principal("rollback", "rollback-service",
                    List.of(ROLLBACK_COMMANDS, PROVISIONER_EVENTS, work(ROLLBACK_COMMANDS)),
                    List.of(ROLLBACK_EVENTS, PROVISIONER_COMMANDS, dlq(ROLLBACK_COMMANDS), dlq(PROVISIONER_EVENTS),
                            work(ROLLBACK_COMMANDS)),
                    List.of(work(ROLLBACK_COMMANDS)),
                    List.of("cutover-rollback")),
            new Principal("ci", "a CI system (signed deployment requests and CDEvents)",
                    List.of(),
                    List.of(DEPLOYMENT_REQUESTS, CDEVENTS_IN),
                    List.of(),
                    List.of()));

    private ServiceAcls() {
    }

    /** The service principals and {@code ci}; not {@value #ADMIN}. */
    public static List<Principal> principals() {
        return PRINCIPALS;
    }

    public static Principal principal(String name) {
        return PRINCIPALS.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such principal: " + name));
    }

    /** Every topic some principal reads or writes, which the secure broker creates at start. */
    public static Set<String> contractTopics() {
        Set<String> topics = new LinkedHashSet<>();
        for (Principal p : PRINCIPALS) {
            p.reads().stream().filter(t -> !p.creates().contains(t)).forEach(topics::add);
            p.writes().stream().filter(t -> !p.creates().contains(t)).forEach(topics::add);
        }
        return topics;
    }

    /** The ALLOW bindings of every principal (literal resource names, any host). */
    public static List<AclBinding> bindings() {
        List<AclBinding> out = new ArrayList<>();
        for (Principal p : PRINCIPALS) {
            out.addAll(bindings(p));
        }
        return out;
    }

    static List<AclBinding> bindings(Principal p) {
        List<AclBinding> out = new ArrayList<>();
        for (String t : p.reads()) {
            out.add(allow(p, ResourceType.TOPIC, t, AclOperation.READ));
        }
        for (String t : p.writes()) {
            out.add(allow(p, ResourceType.TOPIC, t, AclOperation.WRITE));
        }
        for (String t : p.creates()) {
            out.add(allow(p, ResourceType.TOPIC, t, AclOperation.CREATE));
            out.add(allow(p, ResourceType.TOPIC, t, AclOperation.DESCRIBE_CONFIGS));
        }
        for (String g : p.groups()) {
            out.add(allow(p, ResourceType.GROUP, g, AclOperation.READ));
        }
        return out;
    }

    private static AclBinding allow(Principal p, ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(p.kafkaPrincipal(), "*", op, AclPermissionType.ALLOW));
    }

    /** The grants as a Markdown table (READ and WRITE imply DESCRIBE). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Principal | Used by | Consumes (READ) | Produces (WRITE) | Creates | Consumer group |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Principal p : PRINCIPALS) {
            sb.append("| `User:").append(p.name()).append("` | ").append(p.service()).append(" | ")
                    .append(cell(p.reads())).append(" | ").append(cell(p.writes())).append(" | ")
                    .append(cell(p.creates())).append(" | ").append(cell(p.groups())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(List<String> names) {
        if (names.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            if (sb.length() > 0) {
                sb.append("<br>");
            }
            sb.append('`').append(n).append('`');
        }
        return sb.toString();
    }

    private static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** Prints {@link #markdownTable()}. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
