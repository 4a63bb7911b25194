package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The kernel-level profiles a container runs under ({@code security}): {@code default} is the
 * engine's own (Docker's default seccomp filter, its {@code docker-default} AppArmor profile where
 * AppArmor is on); {@code unconfined} turns one off (only where {@code corral.policy.allow-unconfined}
 * says so); any other value names a profile: a seccomp JSON file in {@code corral.security.seccomp-profiles},
 * an AppArmor profile loaded on the engine's host.
 */
public record SecurityProfiles(String seccomp, String apparmor) {

    public static final String DEFAULT = "default";
    public static final String UNCONFINED = "unconfined";
    public static final SecurityProfiles DEFAULTS = new SecurityProfiles(DEFAULT, DEFAULT);

    public static SecurityProfiles of(JsonNode security) {
        if (security == null || !security.isObject()) {
            return DEFAULTS;
        }
        return new SecurityProfiles(security.path("seccomp").asText(DEFAULT), security.path("apparmor").asText(DEFAULT));
    }

    public boolean isDefault() {
        return DEFAULT.equals(seccomp) && DEFAULT.equals(apparmor);
    }
}
