package dev.corral.config;

import io.smallrye.config.WithDefault;
import java.util.List;

/** What may be declared at all ({@code corral.policy.*}): checked on every apply, from the API and from files. */
public interface PolicyConfig {

    /** Images that may be run, as globs ({@code *} any characters, {@code ?} one). Default: any. */
    @WithDefault("*")
    List<String> images();

    /** Resource ceilings per kind ({@code relic}, {@code agent}, {@code tool}). */
    java.util.Map<String, Ceilings> limits();

    /** The most relics one session may have. */
    java.util.OptionalInt maxRelicsPerSession();

    /** The most sessions in all. */
    java.util.OptionalInt maxSessions();

    /** The most runs of one session that have not finished. */
    java.util.OptionalInt maxRunsPerSession();

    /** Whether specs may turn seccomp or AppArmor off ({@code security: {seccomp: unconfined}}). */
    @WithDefault("false")
    boolean allowUnconfined();

    interface Ceilings {
        java.util.OptionalInt memoryMb();

        java.util.OptionalDouble cpus();

        java.util.OptionalInt pids();
    }
}
