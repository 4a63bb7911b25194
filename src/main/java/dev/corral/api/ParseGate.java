package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.config.CorralConfig;
import dev.corral.spec.SpecParser;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Parses request bodies with a bound on the bytes being parsed at once
 * ({@code corral.api.max-parsing-bytes}). Why: a parsed document costs many times its size in
 * memory (a YAML body of 8 MiB builds hundreds of MiB of events and nodes), so many large bodies
 * at once would grow the heap — and the process, which rarely gives memory back — to what a
 * hostile client chooses. Behind the gate a large body waits its turn; small ones pass at once
 * while there is room.
 */
@ApplicationScoped
public class ParseGate {

    @Inject
    CorralConfig config;

    private Semaphore bytes;
    private int capacity;

    @PostConstruct
    void init() {
        capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(config.api().maxParsingBytes(), 1));
        bytes = new Semaphore(capacity, true);
    }

    public List<JsonNode> parse(byte[] body, SpecParser.Format format) {
        int cost = Math.max(1, Math.min(body.length, capacity));
        try {
            if (!bytes.tryAcquire(cost, 30, TimeUnit.SECONDS)) {
                throw ApiException.tooMany("Corral is parsing too many large bodies at once; retry later", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting to parse the body");
        }
        try {
            return SpecParser.parse(body, format);
        } finally {
            bytes.release(cost);
        }
    }
}
