package dev.cutover.rollback.strategy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The one place a strategy is chosen, by name. */
@ApplicationScoped
public class RollbackStrategies {

    private final Map<String, RollbackStrategy> byName = new TreeMap<>();

    @Inject
    public RollbackStrategies(Instance<RollbackStrategy> strategies) {
        this(strategies.stream().toList());
    }

    public RollbackStrategies(List<RollbackStrategy> strategies) {
        strategies.forEach(s -> byName.put(s.name(), s));
    }

    public Optional<RollbackStrategy> byName(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public String known() {
        return String.join(", ", byName.keySet());
    }
}
