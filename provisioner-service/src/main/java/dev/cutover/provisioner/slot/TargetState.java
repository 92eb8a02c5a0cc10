package dev.cutover.provisioner.slot;

import dev.cutover.events.ProvisionerCommand.RouterSecurity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The provisioner's book for one target: its router (port: the application's own, or the one the pool gave the
 * target, kept for every later deployment), the router weights last applied, the router security last asked for
 * (null: never), what runs in each slot, and the answers to the last commands (by messageId, so a command delivered
 * again is answered again with what it was answered, never carried out twice). Immutable; the registry swaps whole
 * states.
 */
public record TargetState(String application, String environment, Integer routerPort, Long routerPid,
                          Map<String, Integer> weights, Map<String, SlotInstance> slots, RouterSecurity security,
                          List<Answer> answers) {

    /** How many answers a target keeps (the orchestrator asks again within a stage: a few suffice). */
    public static final int KEPT_ANSWERS = 32;

    /** A command's answer: its messageId, the answer's type name and JSON (MessageCodec). */
    public record Answer(String commandId, String type, String json) {
    }

    public TargetState {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        slots = slots == null ? Map.of() : Map.copyOf(slots);
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    public TargetState(String application, String environment, Integer routerPort, Long routerPid,
                       Map<String, Integer> weights, Map<String, SlotInstance> slots, RouterSecurity security) {
        this(application, environment, routerPort, routerPid, weights, slots, security, null);
    }

    public TargetState(String application, String environment, Integer routerPort, Long routerPid,
                       Map<String, Integer> weights, Map<String, SlotInstance> slots) {
        this(application, environment, routerPort, routerPid, weights, slots, null, null);
    }

    public static TargetState empty(String application, String environment) {
        return new TargetState(application, environment, null, null, Map.of(), Map.of(), null, null);
    }

    public TargetState withRouter(int port, Long pid) {
        return new TargetState(application, environment, port, pid, weights, slots, security, answers);
    }

    public TargetState withWeights(Map<String, Integer> newWeights) {
        return new TargetState(application, environment, routerPort, routerPid, newWeights, slots, security, answers);
    }

    public TargetState withSecurity(RouterSecurity newSecurity) {
        return new TargetState(application, environment, routerPort, routerPid, weights, slots, newSecurity, answers);
    }

    /** With {@code answer} recorded (the oldest dropped past {@link #KEPT_ANSWERS}). */
    public TargetState withAnswer(Answer answer) {
        List<Answer> a = new ArrayList<>(answers);
        a.removeIf(x -> x.commandId().equals(answer.commandId()));
        a.add(answer);
        List<Answer> kept = a.subList(Math.max(0, a.size() - KEPT_ANSWERS), a.size());
        return new TargetState(application, environment, routerPort, routerPid, weights, slots, security, kept);
    }

    /** This state without its recorded answers (what GET /slots shows). */
    public TargetState withoutAnswers() {
        return new TargetState(application, environment, routerPort, routerPid, weights, slots, security, null);
    }

    /** The recorded answer to the command with this messageId, if it was answered. */
    public Optional<Answer> answerTo(String commandId) {
        return answers.stream().filter(a -> a.commandId().equals(commandId)).findFirst();
    }

    /** Puts an instance in its slot; a new instance takes no traffic until a shift names it. */
    public TargetState withInstance(SlotInstance instance) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        SlotInstance previous = s.put(instance.slot(), instance);
        Map<String, Integer> w = new TreeMap<>(weights);
        if (previous == null || !previous.instanceId().equals(instance.instanceId())) {
            w.remove(instance.slot());
        }
        return new TargetState(application, environment, routerPort, routerPid, w, s, security, answers);
    }

    public TargetState withoutSlot(String slot) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        s.remove(slot);
        Map<String, Integer> w = new TreeMap<>(weights);
        w.remove(slot);
        return new TargetState(application, environment, routerPort, routerPid, w, s, security, answers);
    }
}
