package dev.corral.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do; each role includes the ones before it. {@code read}: every GET;
 * {@code run}: also start and cancel runs ({@code POST /runs}, {@code /execute}); {@code write}:
 * also apply and delete objects of every kind; {@code admin}: everything.
 */
public enum Role {
    READ, RUN, WRITE, ADMIN;

    public static final String R = "read";
    public static final String X = "run";
    public static final String W = "write";
    public static final String A = "admin";

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role names a holder of this role has: itself and every lesser role. */
    public Set<String> granted() {
        return Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal()).map(Role::id).collect(Collectors.toSet());
    }

    public static Optional<Role> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
    }
}
