package dev.cutover.e2e;

import dev.cutover.local.LocalStack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One local stack for the whole end-to-end suite (it takes seconds to start), closed at JVM exit. */
final class Stack {

    private static LocalStack stack;

    private Stack() {
    }

    static synchronized LocalStack get() {
        if (stack == null) {
            Path root = Path.of(System.getProperty("cutover.root", "../..")).toAbsolutePath().normalize();
            Path work = Path.of("target", "e2e-work").toAbsolutePath();
            long t0 = System.nanoTime();
            AzureStandIns azure = AzureStandIns.start(work.resolve("azure"));
            stack = LocalStack.start(new LocalStack.Settings(root, work, 0, java.util.Map.of(),
                    azure.serviceProperties()), line -> System.out.println("[stack] " + line));
            System.out.println("[stack] Azure Resource Manager stand-in at " + azure.arm().url()
                    + " (the provisioner's and health monitor's Azure endpoint)");
            System.out.printf("[stack] whole stack ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }

    /**
     * Application instances the provisioner runs now from this checkout's sample app, as (pid, CUTOVER_VERSION)
     * read from /proc/&lt;pid&gt;/environ — the OS's word, not the provisioner's, on whether a process is gone.
     */
    static List<String> runningVersions(String application) {
        return instanceEnvironments(application).stream().map(env -> env.get("CUTOVER_VERSION"))
                .filter(java.util.Objects::nonNull).toList();
    }

    /** The environment of every instance of {@code application} running now, as the OS has it. */
    static List<java.util.Map<String, String>> instanceEnvironments(String application) {
        List<java.util.Map<String, String>> out = new ArrayList<>();
        // this checkout's sample-app jar: another checkout's e2e run on the machine may use the same app names
        String jar = get().sampleAppJar().toString();
        // with a sha256 the provisioner runs its verified copy <work>/provisioner/artifacts/<sha256>/sample-app.jar
        String cached = get().logs().getParent().resolve("provisioner").resolve("artifacts").toString() + "/";
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach(p -> {
            try {
                String cmdline = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1);
                List<String> args = List.of(cmdline.split("\0"));
                if (!args.contains(jar)
                        && args.stream().noneMatch(x -> x.startsWith(cached) && x.endsWith("/sample-app.jar"))) {
                    return;
                }
                String environ = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "environ"), StandardCharsets.ISO_8859_1);
                java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
                for (String var : environ.split("\0")) {
                    int eq = var.indexOf('=');
                    if (eq > 0) {
                        env.put(var.substring(0, eq), var.substring(eq + 1));
                    }
                }
                if (application.equals(env.get("E2E_APP"))) {
                    out.add(env);
                }
            } catch (IOException | RuntimeException e) {
                // not ours, or gone meanwhile
            }
        });
        return out;
    }
}
