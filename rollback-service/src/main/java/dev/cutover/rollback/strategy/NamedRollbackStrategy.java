package dev.cutover.rollback.strategy;

/** A strategy whose name is given once, by the subclass's constructor: one of {@link RollbackStrategy}'s names. */
public abstract class NamedRollbackStrategy implements RollbackStrategy {

    private final String name;

    protected NamedRollbackStrategy(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }
}
