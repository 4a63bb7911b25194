package dev.corral.api;

import dev.corral.config.CorralConfig;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Admission of new runs against {@code corral.runs.max-queued}: the runs that wait are the
 * stored ToolRuns that have not started (no phase yet, or Pending), whether or not the reconcile
 * loop runs. They are tracked as a set of keys kept by a store listener (so counting costs
 * nothing per request), and admissions in flight are counted with them under one lock, so
 * concurrent {@code POST /runs} can never overshoot the limit: a run is counted from the moment
 * it is admitted until the store says it started.
 */
@Startup
@ApplicationScoped
public class RunAdmission {

    @Inject
    SpecStore store;
    @Inject
    CorralConfig config;
    @Inject
    MeterRegistry registry;

    private final Set<ObjectKey> waiting = ConcurrentHashMap.newKeySet();
    private int admitting;

    @PostConstruct
    void init() {
        Gauge.builder("corral_runs_pending", this, RunAdmission::waiting)
                .description("Runs stored and not started (Pending, or not looked at): what corral.runs.max-queued counts")
                .register(registry);
        store.addListener(this::onEvent);
        // Listener first, then the scan: a key the scan sees is re-checked against the store, so
        // a run that started in between is not counted as waiting.
        for (SpecObject r : store.list(Query.ofKind(Kind.ToolRun))) {
            if (waits(r)) {
                waiting.add(r.key());
                if (store.get(r.key()).filter(RunAdmission::waits).isEmpty()) {
                    waiting.remove(r.key());
                }
            }
        }
    }

    static boolean waits(SpecObject run) {
        RunPhase phase = RunPhase.ofStatus(run.status());
        return phase == null || phase == RunPhase.PENDING;
    }

    private void onEvent(StoreEvent e) {
        if (e.key().kind() != Kind.ToolRun) {
            return;
        }
        if (e.type() != StoreEvent.Type.DELETED && waits(e.object())) {
            waiting.add(e.key());
        } else {
            waiting.remove(e.key());
        }
    }

    /** Runs waiting now (stored and not started, plus those being admitted). */
    public synchronized int waiting() {
        return waiting.size() + admitting;
    }

    /**
     * Admits one run and stores it with {@code apply}, or refuses with 429 when
     * {@code corral.runs.max-queued} runs already wait. A refused run is never stored.
     */
    public <T> T admit(Supplier<T> apply) {
        synchronized (this) {
            if (waiting.size() + admitting >= config.runs().maxQueued()) {
                throw ApiException.tooMany("too many runs waiting (" + config.runs().maxQueued()
                        + ", corral.runs.max-queued); retry later", 1);
            }
            admitting++;
        }
        try {
            return apply.get();
        } finally {
            synchronized (this) {
                admitting--;
            }
        }
    }
}
