package dev.corral.containers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubnetPoolTest {

    final SubnetPool pool = new SubnetPool("10.213.0.0/16", 26);

    @Test
    void slash16CutIntoSlash26GivesAllSubnetsInOrder() {
        assertEquals(1024, pool.capacity());
        assertEquals(1024, pool.free(Set.of()));
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < 1024; i++) {
            String s = pool.allocate(Set.of());
            assertEquals(pool.subnet(i), s);
            assertTrue(seen.add(s), "handed out twice: " + s);
            assertTrue(pool.contains(s), s);
        }
        assertEquals("10.213.0.0/26", pool.subnet(0));
        assertEquals("10.213.0.64/26", pool.subnet(1));
        assertEquals("10.213.0.192/26", pool.subnet(3));
        assertEquals("10.213.1.0/26", pool.subnet(4));
        assertEquals("10.213.255.192/26", pool.subnet(1023));
        assertNull(pool.allocate(Set.of()), "exhausted");
        assertEquals(0, pool.free(Set.of()));
    }

    @Test
    void skipsSubnetsInUse() {
        assertEquals("10.213.0.128/26", pool.allocate(Set.of("10.213.0.0/26", "10.213.0.64/26")));
        assertEquals(1021, pool.free(Set.of("10.213.0.0/26", "10.213.0.64/26")));
    }

    @Test
    void reservesWhatItHandsOut() {
        assertEquals("10.213.0.0/26", pool.allocate(Set.of()));
        assertEquals("10.213.0.64/26", pool.allocate(Set.of()), "two sessions at once never share a subnet");
        assertEquals(1022, pool.free(Set.of()));
    }

    @Test
    void releaseMakesASubnetFreeAgainUnlessInUse() {
        String s = pool.allocate(Set.of());
        pool.release(s);
        assertEquals(1024, pool.free(Set.of()));
        assertEquals(s, pool.allocate(Set.of()), "free again once released");
        pool.release(s);
        assertEquals("10.213.0.64/26", pool.allocate(Set.of(s)), "the created network now holds it");
    }

    @Test
    void releaseOfUnknownSubnetIsHarmless() {
        pool.release("192.168.0.0/26");
        pool.release("10.213.0.0/26");
        assertEquals(1024, pool.free(Set.of()));
    }

    @Test
    void refusedSubnetsAreNeverHandedOutAgain() {
        String s = pool.allocate(Set.of());
        pool.refuse(s);
        assertEquals("10.213.0.64/26", pool.allocate(Set.of()));
        pool.release(s);
        pool.release("10.213.0.64/26");
        assertEquals("10.213.0.64/26", pool.allocate(Set.of()));
        assertEquals(1022, pool.free(Set.of()));
    }

    @Test
    void smallPoolIsExhausted() {
        SubnetPool small = new SubnetPool("10.0.0.0/24", 26);
        assertEquals(4, small.capacity());
        Set<String> inUse = new HashSet<>();
        inUse.add("10.0.0.64/26");
        assertEquals("10.0.0.0/26", small.allocate(inUse));
        assertEquals("10.0.0.128/26", small.allocate(inUse));
        assertEquals("10.0.0.192/26", small.allocate(inUse));
        assertNull(small.allocate(inUse));
        assertEquals(0, small.free(inUse));
        inUse.clear();
        assertEquals("10.0.0.64/26", small.allocate(inUse));
        assertNull(small.allocate(inUse));
    }

    @Test
    void exhaustedByInUseAlone() {
        SubnetPool one = new SubnetPool("10.0.0.0/26", 26);
        assertEquals(1, one.capacity());
        assertNull(one.allocate(Set.of("10.0.0.0/26")));
        assertEquals("10.0.0.0/26", one.allocate(Set.of()));
    }

    @Test
    void hostBitsOfThePoolAreIgnored() {
        SubnetPool p = new SubnetPool(" 10.213.5.7/16 ", 24);
        assertEquals(256, p.capacity());
        assertEquals("10.213.0.0/24", p.allocate(Set.of()));
        assertEquals("10.213.255.0/24", p.subnet(255));
    }

    @Test
    void freeCountsOnlyThePoolsOwnSubnetsEachOnce() {
        String reserved = pool.allocate(Set.of());
        Set<String> inUse = Set.of(reserved, "10.213.0.64/26", "10.213.0.64/24", "10.213.0.65/26",
                "10.214.0.0/26", "fd00::/64", "not a subnet", "10.213.0.0x/26", "172.17.0.0/16");
        assertEquals(1022, pool.free(inUse), "the reserved one counted once; the others are not this pool's subnets");
        // The count is the walk's: what allocate can still hand out.
        int handedOut = 0;
        while (pool.allocate(inUse) != null) {
            handedOut++;
        }
        assertEquals(1022, handedOut);
        assertEquals(0, pool.free(inUse));
    }

    @Test
    void contains() {
        assertTrue(pool.contains("10.213.0.0/26"));
        assertTrue(pool.contains("10.213.7.64/26"));
        assertTrue(pool.contains("10.213.255.192/26"));
        assertFalse(pool.contains("10.214.0.0/26"), "outside the pool");
        assertFalse(pool.contains("10.212.255.192/26"), "outside the pool");
        assertFalse(pool.contains("10.213.0.0/24"), "another prefix");
        assertFalse(pool.contains("10.213.0.0/16"), "the pool itself");
        assertFalse(pool.contains("172.17.0.0/16"));
        assertFalse(pool.contains(null));
        assertFalse(pool.contains("10.213.0.0"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "10.213.0.0;26",          // no prefix
            "10.213.0.0/16/2;26",     // two prefixes
            "10.213.0/16;26",         // three octets
            "10.213.0.0.1/16;26",     // five octets
            "10.213.0.256/16;26",     // octet too big
            "10.213.-1.0/16;26",      // negative octet
            "ten.213.0.0/16;26",      // not a number
            "10.213.0.0/x;26",        // prefix not a number
            "10.213.0.0/7;26",        // pool too big
            "10.213.0.0/31;31",       // pool too small
            "10.213.0.0/16;15",       // subnets larger than the pool
            "10.213.0.0/16;31",       // subnets too small
            "fd00::/16;26",           // IPv6
            "'';26",                  // empty
    })
    void invalidCidrsAreRefused(String cidr, int prefix) {
        assertThrows(IllegalArgumentException.class, () -> new SubnetPool(cidr, prefix));
    }

    @Test
    void subnetsAsLargeAsThePool() {
        SubnetPool p = new SubnetPool("10.0.0.0/30", 30);
        assertEquals(1, p.capacity());
        assertEquals("10.0.0.0/30", p.allocate(Set.of()));
    }

    @Test
    void concurrentAllocationsNeverCollide() throws Exception {
        Set<String> got = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger nulls = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] ts = new Thread[8];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    String s = pool.allocate(Set.of());
                    if (s == null) {
                        nulls.incrementAndGet();
                    } else if (!got.add(s)) {
                        throw new AssertionError("handed out twice: " + s);
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join(10_000);
        }
        assertEquals(1024, got.size());
        assertEquals(8 * 200 - 1024, nulls.get());
    }
}
