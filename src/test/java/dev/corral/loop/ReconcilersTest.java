package dev.corral.loop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.runtime.EngineException;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.SpecStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dispatch by kind and what every reconcile shares, with stub reconcilers and an in-memory store. */
class ReconcilersTest {

    private static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");

    private final Map<ObjectKey, SpecObject> stored = new HashMap<>();
    private final SpecStore store = (SpecStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{SpecStore.class}, (p, m, args) -> switch (m.getName()) {
                case "get" -> Optional.ofNullable(stored.get((ObjectKey) args[0]));
                default -> throw new UnsupportedOperationException(m.getName());
            });

    /** A reconciler of Relics that does what it is told and records what it was asked. */
    private static final class Stub implements KindReconciler {
        final Set<Kind> kinds;
        Function<SpecObject, Result> body = o -> Result.DONE;
        boolean statusTakesFailure = true;
        final List<String> calls = new ArrayList<>();
        ObjectKey claims;

        Stub(Kind... kinds) {
            this.kinds = Set.of(kinds);
        }

        @Override
        public Set<Kind> kinds() {
            return kinds;
        }

        @Override
        public Result reconcile(ObjectKey key, SpecObject current) {
            calls.add("reconcile " + key + (current == null ? " (gone)" : " gen " + current.metadata().generation()));
            return body.apply(current);
        }

        @Override
        public boolean failed(SpecObject o, boolean terminal, String reason, String message) {
            calls.add("failed " + o.key() + (terminal ? " terminal " : " retryable ") + reason + ": " + message);
            return statusTakesFailure;
        }

        @Override
        public Readiness.Outcome readiness(SpecObject o) {
            return Readiness.Outcome.Waiting;
        }

        @Override
        public ObjectKey claimant(String containerId) {
            return "c1".equals(containerId) ? claims : null;
        }
    }

    private void store(ObjectKey key, long generation) {
        Metadata m = Metadata.declared(key.name(), key.session(), Map.of(), Map.of(), null)
                .withStored("uid-" + key.name(), generation, generation, Instant.EPOCH, Instant.EPOCH, "api");
        stored.put(key, new SpecObject(SpecObject.API_VERSION, key.kind(), m, JsonNodeFactory.instance.objectNode(), null));
    }

    @Test
    void eachKeyGoesToItsKindsReconcilerWithTheStoredObject() {
        Stub relics = new Stub(Kind.Relic);
        store(WEB, 3);
        Result r = new Reconcilers(store, List.of(relics)).reconcile(WEB);
        assertSame(Result.DONE, r);
        assertEquals(List.of("reconcile relic/s1/web gen 3"), relics.calls);
    }

    @Test
    void aDeletedObjectIsReconciledAsGone() {
        Stub relics = new Stub(Kind.Relic);
        new Reconcilers(store, List.of(relics)).reconcile(WEB);
        assertEquals(List.of("reconcile relic/s1/web (gone)"), relics.calls);
    }

    @Test
    void aKindWithNoReconcilerIsDone() {
        Stub relics = new Stub(Kind.Relic);
        Reconcilers reconcilers = new Reconcilers(store, List.of(relics));
        assertSame(Result.DONE, reconcilers.reconcile(ObjectKey.of(Kind.Agent, null, "bot")));
        assertEquals(List.of(), relics.calls);
        assertEquals(Readiness.Outcome.Ready, reconcilers.readiness(
                new SpecObject(SpecObject.API_VERSION, Kind.Agent, Metadata.declared("bot", null, null, null, null), null, null)));
    }

    @Test
    void twoReconcilersForOneKindAreRefused() {
        assertThrows(IllegalStateException.class,
                () -> new Reconcilers(store, List.of(new Stub(Kind.Relic), new Stub(Kind.Agent, Kind.Relic))));
    }

    @Test
    void aTerminalErrorIsLeftAloneUntilTheGenerationChanges() {
        Stub relics = new Stub(Kind.Relic);
        relics.body = o -> {
            throw ReconcileException.terminal("NameConflict", "name taken", null);
        };
        Reconcilers reconcilers = new Reconcilers(store, List.of(relics));
        store(WEB, 1);

        Result first = reconcilers.reconcile(WEB);
        assertEquals(Result.Kind.TERMINAL, first.kind());
        assertEquals("name taken", first.message());
        assertTrue(reconcilers.isTerminal(WEB));
        assertSame(Result.DONE, reconcilers.reconcile(WEB), "same generation: not tried again");
        assertEquals(List.of("reconcile relic/s1/web gen 1", "failed relic/s1/web terminal NameConflict: name taken"),
                relics.calls);

        relics.calls.clear();
        relics.body = o -> Result.DONE;
        store(WEB, 2);
        assertSame(Result.DONE, reconcilers.reconcile(WEB));
        assertEquals(List.of("reconcile relic/s1/web gen 2"), relics.calls);
        assertFalse(reconcilers.isTerminal(WEB));
    }

    @Test
    void aTerminalErrorTheStatusDoesNotTakeIsTriedAgain() {
        Stub relics = new Stub(Kind.Relic);
        relics.statusTakesFailure = false;
        relics.body = o -> {
            throw ReconcileException.terminal("Invalid", "no", null);
        };
        Reconcilers reconcilers = new Reconcilers(store, List.of(relics));
        store(WEB, 1);
        assertEquals(Result.Kind.TERMINAL, reconcilers.reconcile(WEB).kind());
        assertFalse(reconcilers.isTerminal(WEB));
        assertEquals(Result.Kind.TERMINAL, reconcilers.reconcile(WEB).kind());
        assertEquals(4, relics.calls.size(), "reconciled and failed twice");
    }

    @Test
    void aDeletedObjectsTerminalErrorIsNotKept() {
        Stub relics = new Stub(Kind.Relic);
        relics.body = o -> {
            throw ReconcileException.terminal("X", "gone wrong", null);
        };
        Reconcilers reconcilers = new Reconcilers(store, List.of(relics));
        assertEquals(Result.Kind.TERMINAL, reconcilers.reconcile(WEB).kind());
        assertFalse(reconcilers.isTerminal(WEB));
        assertEquals(List.of("reconcile relic/s1/web (gone)"), relics.calls, "no object: no status to write");
    }

    @Test
    void aRetryableErrorGoesToStatusAndIsAnError() {
        Stub relics = new Stub(Kind.Relic);
        relics.body = o -> {
            throw ReconcileException.retryable("ImagePullFailed", "registry down", null);
        };
        store(WEB, 1);
        Result r = new Reconcilers(store, List.of(relics)).reconcile(WEB);
        assertEquals(Result.error("registry down"), r);
        assertEquals(List.of("reconcile relic/s1/web gen 1", "failed relic/s1/web retryable ImagePullFailed: registry down"),
                relics.calls);
    }

    @Test
    void anEngineRefusalGoesToStatusAsEngineError() {
        Stub relics = new Stub(Kind.Relic);
        relics.body = o -> {
            throw new EngineException(500, "boom", null);
        };
        store(WEB, 1);
        assertEquals(Result.error("boom"), new Reconcilers(store, List.of(relics)).reconcile(WEB));
        assertEquals(List.of("reconcile relic/s1/web gen 1", "failed relic/s1/web retryable EngineError: boom"), relics.calls);
    }

    @Test
    void anEngineThatDidNotAnswerIsAnErrorButNotStatus() {
        Stub relics = new Stub(Kind.Relic);
        relics.body = o -> {
            throw new EngineException(0, "Docker engine did not answer", null);
        };
        store(WEB, 1);
        assertEquals(Result.error("Docker engine did not answer"), new Reconcilers(store, List.of(relics)).reconcile(WEB));
        assertEquals(List.of("reconcile relic/s1/web gen 1"), relics.calls);
    }

    @Test
    void outcomesPassThroughAndClaimantsAreAskedOfEveryReconciler() {
        Stub relics = new Stub(Kind.Relic);
        Stub runs = new Stub(Kind.ToolRun);
        runs.claims = ObjectKey.of(Kind.ToolRun, null, "r1");
        relics.body = o -> Result.requeueAfter(java.time.Duration.ofSeconds(5));
        store(WEB, 1);
        Reconcilers reconcilers = new Reconcilers(store, List.of(relics, runs));
        assertEquals(Result.requeueAfter(java.time.Duration.ofSeconds(5)), reconcilers.reconcile(WEB));
        assertEquals(runs.claims, reconcilers.claimant("c1"));
        assertNull(reconcilers.claimant("c2"));
        assertEquals(Readiness.Outcome.Waiting, reconcilers.readiness(stored.get(WEB)));
    }
}
