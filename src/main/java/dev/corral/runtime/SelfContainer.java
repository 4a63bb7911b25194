package dev.corral.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container Corral itself runs in, as the engine it drives sees it (Corral in a container next
 * to the engine, the socket mounted).
 *
 * @param id       its full id
 * @param networks the networks it was attached to when inspected: name to network id
 * @param binds    host directories bind-mounted into it: the path inside to the host's path
 */
public record SelfContainer(String id, Map<String, String> networks, Map<Path, Path> binds) {

    /** The engine bind-mounts {@code <root>/containers/<id>/hostname} (and resolv.conf, hosts) into every container. */
    private static final Pattern MOUNTINFO = Pattern.compile("/containers/([0-9a-f]{64})/(?:hostname|hosts|resolv\\.conf)\\s");
    /** cgroup v1: {@code 12:memory:/docker/<id>}; v2 shows only {@code 0::/} inside a container. */
    private static final Pattern CGROUP = Pattern.compile("[/-]([0-9a-f]{64})(?:\\.scope)?$", Pattern.MULTILINE);
    /** The engine's default hostname: the id's first 12 digits. */
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{12}");

    /**
     * Container ids this process may be running in, the most trustworthy first; each must still be
     * confirmed by the engine (a process on the host, or in a container of another engine, finds
     * none the engine knows).
     */
    public static List<String> candidates(String mountinfo, String cgroup, String hostname) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = MOUNTINFO.matcher(mountinfo == null ? "" : mountinfo);
        while (m.find()) {
            out.add(m.group(1));
        }
        m = CGROUP.matcher(cgroup == null ? "" : cgroup);
        while (m.find()) {
            out.add(m.group(1));
        }
        if (hostname != null && SHORT_ID.matcher(hostname.trim()).matches()) {
            out.add(hostname.trim());
        }
        return new ArrayList<>(out);
    }

    /**
     * The host's name for a path of this container's file system: the same path when it lies in a
     * directory bind-mounted from the same path on the host, else null (it exists only in here, or
     * the host calls it something else, which a bind mount Corral asks the engine for would miss).
     */
    public Path sameOnHost(Path path) {
        Path best = null;
        for (Path inside : binds.keySet()) {
            if (path.startsWith(inside) && (best == null || inside.getNameCount() > best.getNameCount())) {
                best = inside;
            }
        }
        return best != null && best.equals(binds.get(best)) ? path : null;
    }

    /** Where the host directory mounted over {@code path} (or an ancestor) is on the host, or null. */
    public Path hostSource(Path path) {
        Path best = null;
        for (Path inside : binds.keySet()) {
            if (path.startsWith(inside) && (best == null || inside.getNameCount() > best.getNameCount())) {
                best = inside;
            }
        }
        return best == null ? null : binds.get(best).resolve(best.relativize(path));
    }
}
