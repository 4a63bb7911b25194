package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How many warm containers a pool keeps: {@code size} always, and up to {@code max} while runs
 * find it empty (it grows by one per run that missed a warm container, and falls back to
 * {@code size} once no run has used it for a while: see {@code WarmPools}).
 *
 * @param size idle containers kept whatever the demand (0: none until runs ask)
 * @param max  the most it grows to; {@code size} when the spec sets none (a fixed pool)
 */
public record PoolBounds(int size, int max) {

    public static final PoolBounds NONE = new PoolBounds(0, 0);

    public PoolBounds {
        if (size < 0 || max < size) {
            throw new IllegalArgumentException("a pool needs 0 <= size <= max, not size " + size + ", max " + max);
        }
    }

    /** A pool's size alone, or a {@code max} below it raised to it (configuration cannot be refused at a 4xx). */
    public static PoolBounds of(int size, int max) {
        return new PoolBounds(size, Math.max(size, max));
    }

    /** A Tool's {@code pool} (validated: {@code max >= size}), or {@link #NONE} without one. */
    public static PoolBounds of(JsonNode pool) {
        if (pool == null || pool.isMissingNode() || pool.isNull()) {
            return NONE;
        }
        int size = pool.path("size").asInt(0);
        return new PoolBounds(size, pool.path("max").asInt(size));
    }

    /** Whether runs look for a warm container at all. */
    public boolean pooled() {
        return max > 0;
    }

    /** The number of warm containers wanted with {@code extra} runs' worth of recent demand. */
    public int target(int extra) {
        return (int) Math.min(max, (long) size + extra);
    }
}
