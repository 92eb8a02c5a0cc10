package dev.cutover.orchestrator.model;

/**
 * Text that came from a request and is echoed back (an operator's reason, a rejection naming a bad value), made safe
 * to store, log and show in a terminal: every ISO control character (newline, tab, ESC of an escape sequence, NUL,
 * C1 controls) and every Unicode line or paragraph separator becomes a plain space, so a reason can neither forge a
 * log line nor recolour an operator's terminal. Plain spaces and all printable text are kept.
 */
public final class PlainText {

    private PlainText() {
    }

    /** {@code text} with each control character replaced by a space; {@code null} stays {@code null}. */
    public static String of(String text) {
        if (text == null || text.codePoints().noneMatch(PlainText::unsafe)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(unsafe(c) ? ' ' : c));
        return out.toString();
    }

    private static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
