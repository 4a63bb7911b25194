package dev.corral.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI, for tests that act behind Corral's back ({@code docker kill}, {@code rm -f},
 * an unlabelled container) and check what really runs, independently of Corral's own client.
 */
public final class Docker {

    private static final String DOCKER = System.getenv().getOrDefault("DOCKER", "/usr/bin/docker");

    private Docker() {
    }

    /** Runs {@code docker args...}; returns trimmed stdout, throws if it exits non-zero. */
    public static String run(String... args) {
        Result r = tryRun(args);
        if (r.exit != 0) {
            throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    public record Result(int exit, String output) {
    }

    public static Result tryRun(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(DOCKER);
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A container's field via {@code docker inspect -f}, or null if the container does not exist. */
    public static String inspect(String container, String format) {
        Result r = tryRun("inspect", "-f", format, container);
        return r.exit == 0 ? r.output : null;
    }

    public static boolean exists(String container) {
        return inspect(container, "{{.Id}}") != null;
    }

    /** Names of containers, networks or volumes carrying a label filter such as {@code corral.dev/session=s1}. */
    public static List<String> containers(String labelFilter) {
        return lines(run("ps", "-a", "--filter", "label=" + labelFilter, "--format", "{{.Names}}"));
    }

    /** Containers carrying every one of these labels ({@code key=value} or {@code key}). */
    public static List<String> containers(String... labelFilters) {
        return names(List.of("ps", "-a"), "{{.Names}}", labelFilters);
    }

    /** Running containers carrying every one of these labels (not ones created and never started, nor exited). */
    public static List<String> runningContainers(String... labelFilters) {
        return names(List.of("ps", "--filter", "status=running"), "{{.Names}}", labelFilters);
    }

    public static List<String> networks(String labelFilter) {
        return lines(run("network", "ls", "--filter", "label=" + labelFilter, "--format", "{{.Name}}"));
    }

    /** Volumes carrying every one of these labels ({@code key=value} or {@code key}). */
    public static List<String> volumes(String... labelFilters) {
        return names(List.of("volume", "ls"), "{{.Name}}", labelFilters);
    }

    /** The names ({@code format}) {@code docker <list...>} lists with every one of these label filters. */
    private static List<String> names(List<String> list, String format, String... labelFilters) {
        List<String> args = new java.util.ArrayList<>(list);
        for (String f : labelFilters) {
            args.add("--filter");
            args.add("label=" + f);
        }
        args.addAll(List.of("--format", format));
        return lines(run(args.toArray(String[]::new)));
    }

    private static List<String> lines(String s) {
        return s.isBlank() ? List.of() : Arrays.stream(s.split("\n")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
