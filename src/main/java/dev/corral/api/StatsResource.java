package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.spec.Kind;
import dev.corral.stats.ContainerUsage;
import dev.corral.stats.StatsCollector;
import dev.corral.stats.UsageTotals;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What managed containers use: {@code GET /stats[?session=&kind=]} (one object's:
 * {@link ObjectStatsResource}). Figures come from the last sample
 * ({@code corral.stats.interval} at most ago, its time in {@code takenAt}); a request never waits
 * for the engine.
 */
@Path("/stats")
@RolesAllowed(Role.R)
public class StatsResource {

    public record Cpu(Double percent, double seconds) {
    }

    public record Memory(Long usageBytes, Long limitBytes, Long peakBytes) {
    }

    public record Network(long rxBytes, long txBytes) {
    }

    public record BlockIo(long readBytes, long writeBytes) {
    }

    /** One container's figures; {@code pool}: a warm pool's idle container, owned by its Tool. */
    public record Item(String kind, String session, String name, boolean pool, String containerId, String containerName,
                       Instant takenAt, String source, Cpu cpu, Memory memory, Network network, BlockIo blockIO,
                       Long pids) {

        static Item of(ContainerUsage u) {
            var s = u.stats();
            return new Item(u.owner().kind().name(), u.owner().session(), u.owner().name(), u.pool(), u.containerId(),
                    u.containerName(), s.takenAt(), s.source(), new Cpu(u.cpuPercent(), s.cpuSeconds()),
                    new Memory(s.memoryBytes(), s.memoryLimitBytes(), s.memoryPeakBytes()),
                    new Network(s.networkRxBytes(), s.networkTxBytes()),
                    new BlockIo(s.blockReadBytes(), s.blockWriteBytes()), s.pids());
        }
    }

    /** @param sessions per session, the sum of its containers' figures */
    public record StatsList(String interval, List<Item> items, Map<String, UsageTotals> sessions) {
    }

    @Inject
    StatsCollector stats;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Resource usage of every managed container; filters session and kind; per-session totals")
    public StatsList list(@QueryParam("session") String session, @QueryParam("kind") String kind) {
        Kind k = kind == null || kind.isBlank() ? null : ObjectPaths.kindOf(kind);
        String sess = session == null || session.isBlank() ? null : session;
        List<ContainerUsage> selected = stats.all().stream()
                .filter(u -> k == null || u.owner().kind() == k)
                .filter(u -> sess == null || sess.equals(u.owner().session()))
                .sorted(Comparator.comparing((ContainerUsage u) -> u.owner().describe()).thenComparing(ContainerUsage::containerName))
                .toList();
        Map<String, UsageTotals> sessions = selected.stream().filter(u -> u.owner().session() != null)
                .collect(Collectors.groupingBy(u -> u.owner().session(), TreeMap::new,
                        Collectors.collectingAndThen(Collectors.toList(), UsageTotals::of)));
        return new StatsList(interval(stats), selected.stream().map(Item::of).toList(), sessions);
    }

    static String interval(StatsCollector stats) {
        return stats.interval().toMillis() % 1000 == 0 ? stats.interval().toSeconds() + "s" : stats.interval().toMillis() + "ms";
    }

}
