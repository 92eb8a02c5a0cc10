package dev.cutover.local;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The option every local-stack command shares (a picocli mixin): the repository checkout it runs from. */
public final class CheckoutRoot {

    @Option(names = "--root", description = "Repository checkout (default: current directory).")
    Path path = Path.of("").toAbsolutePath();

    /** Where the services' and tools' build outputs are found, and the default home of logs and state. */
    public Path path() {
        return path;
    }
}
