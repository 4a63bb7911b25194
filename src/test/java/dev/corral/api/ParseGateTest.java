package dev.corral.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.awaitility.Awaitility.await;

class ParseGateTest {

    @Test
    void aSmallBodyDoesNotQueueBehindALargeOne() throws Exception {
        ParseGate gate = ParseGate.of(1000, Duration.ofSeconds(30));
        try (ParseGate.Ticket held = gate.enter(900)) {
            // A whole-budget body waits for the 900 bytes held above...
            CompletableFuture<ParseGate.Ticket> large = CompletableFuture.supplyAsync(() -> gate.enter(1000));
            await().pollDelay(Duration.ofMillis(50)).until(() -> !large.isDone());
            // ...while a small one still passes at once (a fair gate would queue it behind the large one).
            CompletableFuture<ParseGate.Ticket> small = CompletableFuture.supplyAsync(() -> gate.enter(50));
            small.get(5, TimeUnit.SECONDS).close();
            held.close();
            large.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aBodyThatWaitsTooLongIs429WithRetryAfter() {
        ParseGate gate = ParseGate.of(1000, Duration.ofMillis(200));
        try (ParseGate.Ticket held = gate.enter(1000)) {
            ApiException e = assertThrows(ApiException.class, () -> gate.enter(10));
            assertEquals(429, e.status());
            assertEquals(1, e.retryAfterSeconds());
        }
        gate.enter(1000).close();
    }

    @Test
    void aBodyLargerThanTheBudgetCostsTheWholeBudget() {
        ParseGate gate = ParseGate.of(1000, Duration.ofMillis(100));
        try (ParseGate.Ticket huge = gate.enter(50_000)) {
            assertThrows(ApiException.class, () -> gate.enter(1));
        }
        gate.enter(1).close();
    }
}
