package dev.corral.containers;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts an IPv4 pool (say 10.213.0.0/16) into equal subnets (say /26) and hands each session one.
 * Which subnets are taken is read from the engine (the networks' subnets), so nothing needs
 * storing and a subnet is free again as soon as its network is gone. Subnets handed out but not
 * yet seen on the engine are reserved so two sessions created at once never get the same one;
 * subnets the engine refused (they overlap a network Corral does not own) are skipped.
 */
public final class SubnetPool {

    private final long base;
    private final int poolPrefix;
    private final int subnetPrefix;
    private final Set<String> reserved = new HashSet<>();
    private final Set<String> refused = new HashSet<>();

    public SubnetPool(String cidr, int subnetPrefix) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("corral.network.pool must be an IPv4 CIDR like 10.213.0.0/16, not " + cidr);
        }
        this.poolPrefix = Integer.parseInt(parts[1]);
        if (poolPrefix < 8 || poolPrefix > 30 || subnetPrefix < poolPrefix || subnetPrefix > 30) {
            throw new IllegalArgumentException("corral.network.pool " + cidr + " cannot be cut into /" + subnetPrefix + "s");
        }
        long ip = toLong(parts[0]);
        long mask = poolPrefix == 0 ? 0 : (0xFFFFFFFFL << (32 - poolPrefix)) & 0xFFFFFFFFL;
        this.base = ip & mask;
        this.subnetPrefix = subnetPrefix;
    }

    public int capacity() {
        return 1 << (subnetPrefix - poolPrefix);
    }

    /** The first subnet that is neither in use, reserved nor refused; null when the pool is exhausted. */
    public synchronized String allocate(Set<String> inUse) {
        for (int i = 0; i < capacity(); i++) {
            String s = subnet(i);
            if (!inUse.contains(s) && !reserved.contains(s) && !refused.contains(s)) {
                reserved.add(s);
                return s;
            }
        }
        return null;
    }

    /** The subnet's network now exists (or creating it failed): it no longer needs reserving. */
    public synchronized void release(String subnet) {
        reserved.remove(subnet);
    }

    /** The engine refused the subnet (it overlaps something else): never hand it out again. */
    public synchronized void refuse(String subnet) {
        reserved.remove(subnet);
        refused.add(subnet);
    }

    /**
     * How many subnets {@link #allocate} could still hand out. Counted from the taken ones, not by
     * walking the pool: every session's reconcile asks, and a walk made a string per subnet (1 024 for
     * the default /16 cut into /26s), most of an idle Corral's CPU at a few hundred sessions.
     */
    public synchronized int free(Set<String> inUse) {
        BitSet taken = new BitSet(capacity());
        for (Set<String> set : List.of(inUse, reserved, refused)) {
            for (String s : set) {
                int i = indexOf(s);
                if (i >= 0) {
                    taken.set(i);
                }
            }
        }
        return capacity() - taken.cardinality();
    }

    /** The index of {@code subnet} in this pool if it is exactly one of its subnets (as {@link #subnet} writes it), else -1. */
    int indexOf(String subnet) {
        if (!contains(subnet)) {
            return -1;
        }
        long offset = toLong(subnet.substring(0, subnet.indexOf('/'))) - base;
        long size = 1L << (32 - subnetPrefix);
        if (offset % size != 0 || offset / size >= capacity()) {
            return -1;
        }
        int index = (int) (offset / size);
        return subnet(index).equals(subnet) ? index : -1;
    }

    public boolean contains(String subnet) {
        if (subnet == null || !subnet.contains("/") || subnet.contains(":")) {
            return false;
        }
        String[] p = subnet.split("/");
        long mask = (0xFFFFFFFFL << (32 - poolPrefix)) & 0xFFFFFFFFL;
        try {
            return p.length == 2 && (toLong(p[0]) & mask) == base && Integer.parseInt(p[1]) == subnetPrefix;
        } catch (IllegalArgumentException e) { // not an IPv4 CIDR (NumberFormatException included)
            return false;
        }
    }

    String subnet(int index) {
        long ip = base + ((long) index << (32 - subnetPrefix));
        return toDotted(ip) + "/" + subnetPrefix;
    }

    private static long toLong(String dotted) {
        String[] o = dotted.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long v = 0;
        for (String part : o) {
            int n = Integer.parseInt(part);
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            v = (v << 8) | n;
        }
        return v;
    }

    private static String toDotted(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
