package dev.cutover.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment's {@code app.command} (carried by {@link ProvisionerCommand.ProvisionSlot#command()}): how a local
 * instance is started. One place for its syntax, so the config-service's validation and the provisioner's start
 * agree: words split on blanks, {@code "..."} or {@code '...'} group words (no escapes, no shell: pipes, variables
 * and globs are plain text), and the placeholders {@value #PORT} (the instance's port, also in {@code PORT}) and
 * {@value #ARTIFACT} (the artifact's path) are substituted in every word.
 */
public final class AppCommand {

    public static final String PORT = "{port}";
    public static final String ARTIFACT = "{artifact}";
    private static final Set<String> PLACEHOLDERS = Set.of(PORT, ARTIFACT);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^{}\\s]*}");
    private static final int MAX_LENGTH = 2000;

    private AppCommand() {
    }

    /**
     * The command's words.
     *
     * @throws IllegalArgumentException naming what is wrong: blank, too long, an unclosed quote, an unknown
     *                                  placeholder
     */
    public static List<String> words(String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("app.command must not be blank");
        }
        if (command.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("app.command is longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = PLACEHOLDER.matcher(command);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group())) {
                throw new IllegalArgumentException("app.command has the unknown placeholder " + m.group()
                        + " (known: " + PORT + ", " + ARTIFACT + ")");
            }
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("app.command has an unclosed " + quote + " quote");
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (words.get(0).isEmpty()) {
            throw new IllegalArgumentException("app.command must start with a program");
        }
        return words;
    }

    /** {@link #words} with the placeholders replaced. */
    public static List<String> resolve(String command, int port, String artifact) {
        return words(command).stream()
                .map(w -> w.replace(PORT, Integer.toString(port)).replace(ARTIFACT, artifact == null ? "" : artifact))
                .toList();
    }
}
