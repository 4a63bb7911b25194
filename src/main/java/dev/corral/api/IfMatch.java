package dev.corral.api;

import dev.corral.spec.SpecObject;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code If-Match} header, read as RFC 9110 (section 13.1.1) says: {@code *} (the object
 * exists) or a list of entity tags, each {@code "opaque"} or weak {@code W/"opaque"}. Writes use
 * the strong comparison, so a weak tag never matches. A header that is empty or not of that form
 * is a 400: read leniently, a garbled precondition would act as none and a write meant to be
 * conditional would go through.
 */
final class IfMatch {

    private final boolean any;
    private final List<String> strong;

    private IfMatch(boolean any, List<String> strong) {
        this.any = any;
        this.strong = strong;
    }

    /** The parsed header, or null when there is none. */
    static IfMatch parse(String header) {
        if (header == null) {
            return null;
        }
        String v = header.trim();
        if (v.equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> strong = new ArrayList<>();
        int i = 0;
        int tags = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean weak = v.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= v.length() || v.charAt(open) != '"') {
                throw malformed(header);
            }
            int close = open + 1;
            while (close < v.length() && etagc(v.charAt(close))) {
                close++;
            }
            if (close >= v.length() || v.charAt(close) != '"') {
                throw malformed(header);
            }
            if (!weak) {
                strong.add(v.substring(open + 1, close));
            }
            tags++;
            i = close + 1;
            if (i < v.length() && v.charAt(i) != ',' && v.charAt(i) != ' ' && v.charAt(i) != '\t') {
                throw malformed(header);
            }
        }
        if (tags == 0) {
            throw malformed(header);
        }
        return new IfMatch(false, strong);
    }

    /** RFC 9110 etagc: %x21 / %x23-7E / obs-text (anything but controls, space, DQUOTE and DEL). */
    private static boolean etagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
    }

    private static ApiException malformed(String header) {
        String shown = header.length() <= 64 ? header : header.substring(0, 61) + "...";
        return ApiException.badRequest("If-Match must be * or entity tags such as \"42\" (the ETag Corral sent), not '"
                + shown + "'");
    }

    /**
     * Evaluates the precondition against the object as it is now (null: absent).
     *
     * @return the resourceVersion the write must still find (so that a change in between fails it too)
     * @throws ApiException 412 when the precondition fails
     */
    long require(SpecObject current, String what) {
        if (current == null) {
            throw failed(what + " does not exist");
        }
        String rv = Long.toString(current.resourceVersion());
        if (!any && !strong.contains(rv)) {
            throw failed(what + " is at \"" + rv + "\", which the If-Match header does not name"
                    + (strong.isEmpty() ? " (a weak tag, W/\"...\", never matches a write)" : ""));
        }
        return current.resourceVersion();
    }

    static ApiException failed(String why) {
        return new ApiException(412, "precondition failed: " + why);
    }
}
