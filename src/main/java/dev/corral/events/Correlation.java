package dev.corral.events;

import java.util.regex.Pattern;

/**
 * What makes two events "the same" for folding, like the kubelet's event correlator: the same
 * object (kind, session, name, uid), type and reason, and the same message once its varying parts
 * are blanked out. Numbers vary between repeats of one happening ("restarting in 20 s", "exited with
 * code 137", "crash 4 in a row"), so every run of digits counts as one; a folded event shows the
 * latest message.
 */
record Correlation(String kind, String session, String name, String uid, EventType type, String reason,
                   String messageShape) {

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    static Correlation of(InvolvedObject o, EventType type, String reason, String message) {
        return new Correlation(o.kind(), o.session(), o.name(), o.uid(), type, reason, shape(message));
    }

    /** The message with every run of digits replaced by {@code #}. */
    static String shape(String message) {
        return DIGITS.matcher(message).replaceAll("#");
    }
}
