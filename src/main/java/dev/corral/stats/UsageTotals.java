package dev.corral.stats;

import java.util.Collection;

/** The sum of a set of containers' figures (a session's, or everything's). */
public record UsageTotals(int containers, double cpuPercent, double cpuSeconds, long memoryBytes,
                          long networkRxBytes, long networkTxBytes, long blockReadBytes, long blockWriteBytes,
                          long pids) {

    public static UsageTotals of(Collection<ContainerUsage> usages) {
        double percent = 0;
        double seconds = 0;
        long memory = 0;
        long rx = 0;
        long tx = 0;
        long read = 0;
        long write = 0;
        long pids = 0;
        for (ContainerUsage u : usages) {
            var s = u.stats();
            percent += u.cpuPercent() == null ? 0 : u.cpuPercent();
            seconds += s.cpuSeconds();
            memory += s.memoryBytes() == null ? 0 : s.memoryBytes();
            rx += s.networkRxBytes();
            tx += s.networkTxBytes();
            read += s.blockReadBytes();
            write += s.blockWriteBytes();
            pids += s.pids() == null ? 0 : s.pids();
        }
        return new UsageTotals(usages.size(), percent, seconds, memory, rx, tx, read, write, pids);
    }
}
