package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.Json;
import dev.corral.spec.JsonLimits;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The replicated store ({@code corral.store.kind=etcd}): the contract of {@link SpecStore} with etcd as
 * the durable, shared log, so that several Corrals serve one set of specs.
 *
 * <p>Each replica reads from its own copy, an {@link EtcdMirror} that etcd's watch keeps current
 * (milliseconds behind another replica's write). A write is planned against that copy exactly as the
 * file store plans it (the same steps, the same {@link WriteHook}), then committed as one etcd
 * transaction: every object put and deleted, and the store's resourceVersion counter moved, on the
 * condition that the counter has not moved since the copy saw it. So a write is all or nothing, every
 * object keeps its own store-wide increasing resourceVersion (etcd's revision would give the objects of
 * one transaction the same one), and two replicas never both win: the loser catches up on what the
 * winner wrote and plans again. A refusal (a stale precondition, a clash) is only reported once the
 * copy is known to be current, so a client never sees a conflict with a state etcd no longer holds.
 * A write returns once etcd has committed it: durable on a majority of its members.
 */
public final class EtcdSpecStore implements SpecStore {

    private static final Logger LOG = Logger.getLogger(EtcdSpecStore.class);

    /** Enough to get through contention between a few replicas; past it, something is wrong. */
    private static final int ATTEMPTS = 50;

    private final KV kv;
    private final EtcdKeys keys;
    private final Duration timeout;
    private final Clock clock;
    private final WriteHook hook;
    private final EtcdMirror mirror;
    private volatile WriteTimer writeTimer = WriteTimer.NONE;
    /** How long a commit's answer is waited for: the timeout, shorter only in tests of the unanswered case. */
    private volatile Duration commitTimeout;

    private EtcdSpecStore(Client client, EtcdKeys keys, Duration timeout, Clock clock, WriteHook hook) {
        this.kv = client.getKVClient();
        this.keys = keys;
        this.timeout = timeout;
        this.clock = clock;
        this.hook = hook;
        this.mirror = new EtcdMirror(client, keys, timeout, clock);
        this.commitTimeout = timeout;
    }

    /** For tests: commits whose answer comes later than this count as unanswered (they still land). */
    void commitTimeout(Duration d) {
        commitTimeout = d;
    }

    /**
     * Loads every object under {@code prefix} and follows etcd's changes from there.
     *
     * @param client  a client of the etcd cluster; the caller closes it, after this store
     * @param timeout how long one etcd request may take before the operation fails (503)
     * @throws StoreException if etcd does not answer, or a key of the store holds what is not an object
     */
    public static EtcdSpecStore open(Client client, String prefix, Duration timeout, Clock clock, WriteHook hook) {
        EtcdSpecStore store = new EtcdSpecStore(client, new EtcdKeys(prefix), timeout, clock, hook);
        try {
            store.mirror.start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    @Override
    public Optional<SpecObject> get(ObjectKey key) {
        return mirror.get(key);
    }

    @Override
    public List<SpecObject> list(Query query) {
        return mirror.list(query);
    }

    @Override
    public Listing listConsistent(Query query) {
        return mirror.listConsistent(query);
    }

    @Override
    public long resourceVersion() {
        return mirror.resourceVersion();
    }

    @Override
    public int size() {
        return mirror.size();
    }

    @Override
    public void addListener(StoreListener listener) {
        mirror.addListener(listener);
    }

    @Override
    public void timeWrites(WriteTimer timer) {
        writeTimer = timer;
    }

    @Override
    public StoreException failure() {
        return mirror.failure();
    }

    @Override
    public String describe() {
        return "etcd, keys under " + keys.prefix() + "/";
    }

    @Override
    public List<Change> apply(List<SpecObject> batch, ApplyOptions options) {
        long start = System.nanoTime();
        ApplyStep apply = write(() -> ApplyStep.plan(batch, options, mirror, hook, newStep()), ApplyStep::step,
                options.dryRun());
        timed("apply", apply.step(), start, options.dryRun());
        return apply.changes();
    }

    @Override
    public List<SpecObject> delete(ObjectKey key, Long expectedResourceVersion, String source) {
        long start = System.nanoTime();
        record Deletion(Step step, List<SpecObject> deleted) { }
        Deletion d = write(() -> {
            Step step = newStep();
            return new Deletion(step, DeleteStep.plan(key, expectedResourceVersion, source, mirror, hook, step));
        }, Deletion::step, false);
        timed("delete", d.step(), start, false);
        return d.deleted();
    }

    @Override
    public Optional<SpecObject> updateStatus(ObjectKey key, ObjectNode status) {
        long start = System.nanoTime();
        ObjectNode repaired = JsonLimits.repairText(status);
        record StatusWrite(Step step, SpecObject updated) { }
        StatusWrite w = write(() -> {
            Step step = newStep();
            SpecObject cur = mirror.get(key).orElse(null);
            if (cur == null || Json.sameValue(cur.status(), repaired)) {
                return new StatusWrite(step, cur);
            }
            return new StatusWrite(step, step.writeStatus(cur.withStatus(repaired.deepCopy(), step.nextVersion(), step.now()), cur));
        }, StatusWrite::step, false);
        timed("status", w.step(), start, false);
        return Optional.ofNullable(w.updated());
    }

    /** A step numbered from the copy's resourceVersion; called with the copy's lock held. */
    private Step newStep() {
        return new Step(mirror.resourceVersion(), clock.instant());
    }

    /**
     * Plans with the copy locked, commits if the counter has not moved, and otherwise catches up and
     * plans again. {@code plan} may throw a refusal: it is rethrown once the copy is known current.
     */
    private <T> T write(Supplier<T> plan, Function<T, Step> stepOf, boolean dryRun) {
        // A commit etcd did not answer (its leader was lost mid-way) may have landed or not: planning again
        // finds out, as the counter then moved and the copy catches up on it. Until twice the timeout.
        long deadline = System.nanoTime() + 2 * timeout.toNanos();
        EtcdCalls.Unanswered unanswered = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long behindUntil;
            mirror.lock();
            try {
                long counterSeen = mirror.counterRevision();
                T planned = null;
                RuntimeException refused = null;
                try {
                    planned = plan.get();
                } catch (InvalidSpecException e) {
                    throw e; // the request's own fault: nothing a newer copy could change
                } catch (RuntimeException e) {
                    refused = e;
                }
                if (refused != null) {
                    behindUntil = newerThan(counterSeen);
                    if (behindUntil == 0 && unanswered != null) {
                        // Refused now perhaps only because the unanswered commit did land (a precondition on the
                        // version it replaced, a delete of what it deleted): the client must not read "conflict".
                        throw new StoreException(unanswered.getMessage() + ", and whether the write landed is not known:"
                                + " read the objects to see", refused);
                    }
                    if (behindUntil == 0) {
                        throw refused;
                    }
                } else {
                    Step step = stepOf.apply(planned);
                    if (dryRun || step.isEmpty()) {
                        return planned;
                    }
                    TxnResponse r;
                    try {
                        r = commit(step, counterSeen);
                    } catch (EtcdCalls.Unanswered e) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        unanswered = e;
                        LOG.warnf("%s; trying again", e.getMessage());
                        continue;
                    }
                    if (r.isSucceeded()) {
                        mirror.applyOwn(step, r.getHeader().getRevision());
                        return planned;
                    }
                    behindUntil = r.getHeader().getRevision();
                }
            } finally {
                mirror.unlockAndDeliver();
            }
            mirror.awaitRevision(behindUntil);
        }
        throw new StoreException("the write lost to other Corrals' writes " + ATTEMPTS + " times in a row");
    }

    /**
     * The etcd revision the copy must reach before a refusal can be trusted, or 0 if the counter is
     * where the copy saw it (the copy is current). A linearizable read: it goes through etcd's leader.
     */
    private long newerThan(long counterSeen) {
        GetResponse r = EtcdCalls.await(kv.get(keys.counter()), timeout, "read the store's resourceVersion");
        long now = r.getKvs().isEmpty() ? 0 : r.getKvs().get(0).getModRevision();
        return now == counterSeen ? 0 : r.getHeader().getRevision();
    }

    private TxnResponse commit(Step step, long counterSeen) {
        LogRecord record = step.record();
        List<Op> ops = new ArrayList<>(record.put().size() + record.delete().size() + 1);
        for (SpecObject o : record.put()) {
            ops.add(Op.put(keys.of(o.key()), EtcdValues.encode(o), PutOption.DEFAULT));
        }
        for (ObjectKey k : record.delete()) {
            ops.add(Op.delete(keys.of(k), DeleteOption.DEFAULT));
        }
        ops.add(Op.put(keys.counter(), EtcdKeys.bytes(Long.toString(record.rv())), PutOption.DEFAULT));
        // modRevision 0 is how etcd compares a key that does not exist: the first write of an empty store.
        Cmp unchanged = new Cmp(keys.counter(), Cmp.Op.EQUAL, CmpTarget.modRevision(counterSeen));
        return EtcdCalls.await(kv.txn().If(unchanged).Then(ops.toArray(Op[]::new)).commit(), commitTimeout,
                "commit a write of " + (ops.size() - 1) + " objects");
    }

    private void timed(String operation, Step step, long start, boolean dryRun) {
        if (!dryRun && !step.isEmpty()) {
            writeTimer.written(operation, System.nanoTime() - start);
        }
    }

    @Override
    public void close() {
        mirror.close();
    }
}
