package dev.cutover.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cutover.broker.ServiceAcls;
import dev.cutover.broker.ServiceAcls.Principal;
import dev.cutover.events.Topics;

/**
 * {@link ServiceAcls} (what the secure broker grants) against what the services really do: their
 * {@code application.properties} and the contract's topics; and the docs' table against the code.
 */
class ServiceAclsTest {

    /** {@code .topic}, or {@code .topics} (a comma list: one channel consuming several topics). */
    private static final Pattern INCOMING_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.[^.]+\\.topics?");
    private static final Pattern SINGLE_INCOMING_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.[^.]+\\.topic");
    private static final Pattern DEAD_LETTER_TOPIC =
            Pattern.compile("mp\\.messaging\\.incoming\\.[^.]+\\.dead-letter-queue\\.topic");
    private static final Pattern OUTGOING_TOPIC = Pattern.compile("mp\\.messaging\\.outgoing\\.[^.]+\\.topic");
    private static final Pattern GROUP = Pattern.compile("mp\\.messaging\\.(connector\\.smallrye-kafka"
            + "|incoming\\.[^.]+)\\.group\\.id");

    @Test
    void eachServiceReadsExactlyWhatItConsumesAndWritesWhatItProducesWithItsGroup() throws IOException {
        for (Principal p : ServiceAcls.principals()) {
            if (p.name().equals("ci")) {
                continue;
            }
            Properties config = load(root().resolve(p.service()).resolve("src/main/resources/application.properties"));
            Set<String> consumed = values(config, INCOMING_TOPIC);
            Set<String> deadLetters = values(config, DEAD_LETTER_TOPIC);
            // smallrye's default dead-letter topic is dead-letter-topic-<topic>; every service names its own for a
            // channel of one topic; a channel of several sends a bad record to its own topic's DLQ (record metadata)
            for (String t : values(config, SINGLE_INCOMING_TOPIC)) {
                assertTrue(deadLetters.contains(Topics.deadLetter(t)), p.service() + " has no DLQ for " + t);
            }
            for (String t : consumed) {
                assertTrue(p.writes().contains(Topics.deadLetter(t)), p.service() + " may not write the DLQ of " + t);
            }
            String stateTopic = config.getProperty("cutover.orchestrator.state-topic");
            Set<String> reads = new TreeSet<>(consumed);
            // what it may create itself: the orchestrator's state topic, an agent's work log beside a command topic
            Set<String> creatable = new TreeSet<>();
            if (stateTopic != null) {
                creatable.add(stateTopic);
                // the replicas' membership topic (cutover.orchestrator.members-topic, this default)
                creatable.add(config.getProperty("cutover.orchestrator.members-topic", ServiceAcls.ORCHESTRATOR_MEMBERS));
            }
            consumed.stream().filter(Topics.all()::contains).map(ServiceAcls::work).forEach(creatable::add);
            assertTrue(creatable.containsAll(p.creates()), p.name() + " creates " + p.creates());
            if (stateTopic != null) {
                assertTrue(p.creates().contains(stateTopic), p.name() + " creates its state topic");
            }
            // a topic it creates it reads and writes (the work log, the state topic)
            reads.addAll(p.creates());
            assertEquals(reads, new TreeSet<>(p.reads()), p.name() + " reads");
            assertTrue(p.writes().containsAll(p.creates()), p.name() + " writes what it creates");
            Set<String> produced = new HashSet<>(values(config, OUTGOING_TOPIC));
            produced.addAll(deadLetters);
            assertTrue(p.writes().containsAll(produced), p.name() + " writes " + p.writes() + ", needs " + produced);
            assertEquals(values(config, GROUP), new TreeSet<>(p.groups()), p.name() + " groups");
        }
    }

    @Test
    void onlyContractTopicsAreGrantedAndEveryContractTopicHasAProducerAndAConsumer() {
        Set<String> known = new HashSet<>(Topics.all());
        Topics.all().forEach(t -> known.add(Topics.deadLetter(t)));
        known.add(ServiceAcls.ORCHESTRATOR_STATE);
        known.add(ServiceAcls.ORCHESTRATOR_MEMBERS);
        Topics.all().forEach(t -> known.add(ServiceAcls.work(t)));
        known.addAll(List.of(ServiceAcls.CDEVENTS_IN, Topics.deadLetter(ServiceAcls.CDEVENTS_IN),
                ServiceAcls.CDEVENTS_OUT, ServiceAcls.NOTIFICATIONS_DLQ));
        for (Principal p : ServiceAcls.principals()) {
            assertTrue(known.containsAll(p.topics()), p.name() + ": " + p.topics());
        }
        for (String t : Topics.all()) {
            assertTrue(ServiceAcls.principals().stream().anyMatch(p -> p.writes().contains(t)), "no producer of " + t);
            boolean consumed = ServiceAcls.principals().stream().anyMatch(p -> p.reads().contains(t));
            // deployment events: the orchestrator's own CDEvents and notification consumers
            assertTrue(consumed, "consumers of " + t);
        }
        assertEquals(List.of("ci"), ServiceAcls.principals().stream()
                .filter(p -> p.writes().contains(Topics.DEPLOYMENT_REQUESTS) && p.reads().isEmpty())
                .map(Principal::name).toList());
        assertEquals(List.of(Topics.DEPLOYMENT_REQUESTS, ServiceAcls.CDEVENTS_IN), ServiceAcls.principal("ci").writes());
    }

    @Test
    void theDocsListTheAclsOfTheCode() throws IOException {
        String docs = Files.readString(root().resolve("deploy/kafka-broker/SECURITY.md"), StandardCharsets.UTF_8);
        assertTrue(docs.contains(ServiceAcls.markdownTable()),
                "deploy/kafka-broker/SECURITY.md: paste the output of ServiceAcls.main:\n" + ServiceAcls.markdownTable());
    }

    private static Set<String> values(Properties config, Pattern key) {
        Set<String> out = new TreeSet<>();
        for (String k : config.stringPropertyNames()) {
            Matcher m = key.matcher(k);
            if (m.matches()) {
                for (String v : config.getProperty(k).split(",")) {
                    if (!v.isBlank()) {
                        out.add(v.trim());
                    }
                }
            }
        }
        return out;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static Path root() {
        String configured = System.getProperty("cutover.root");
        if (configured != null && Files.isDirectory(Paths.get(configured, "deployment-events"))) {
            return Paths.get(configured);
        }
        for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deployment-events")) && Files.isDirectory(dir.resolve("deploy"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found above " + System.getProperty("user.dir"));
    }
}
