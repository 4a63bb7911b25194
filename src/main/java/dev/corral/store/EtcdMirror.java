package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One replica's copy of what the etcd store holds: loaded at start, then kept current by a watch on
 * the store's prefix, and updated at once by this replica's own commits. It tells the store's
 * listeners about every change, whichever replica made it, in etcd's order.
 *
 * <p>Its lock is the store's write lock: a commit plans, commits and applies with it held, and the
 * watch applies other replicas' writes with it held, so the copy moves from one etcd revision to a
 * later one and never shows half a write. If the watch breaks (etcd compacted past it, or it failed
 * for good), the copy is read again whole and the difference announced, then the watch resumes.
 */
final class EtcdMirror implements StoreReader {

    private static final Logger LOG = Logger.getLogger(EtcdMirror.class);

    private final Client client;
    private final EtcdKeys keys;
    private final Duration timeout;
    private final Clock clock;
    private final ConcurrentSkipListMap<ObjectKey, SpecObject> objects = new ConcurrentSkipListMap<>();
    private final EventDelivery delivery = new EventDelivery();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private volatile long resourceVersion;
    /** The etcd revision the copy holds (lock). */
    private long revision;
    /** The mod revision of the resourceVersion counter in that state, 0 before the first write (lock). */
    private long counterRevision;
    private volatile StoreException failure;
    private volatile boolean closed;
    private final EtcdFollower follower;

    EtcdMirror(Client client, EtcdKeys keys, Duration timeout, Clock clock) {
        this.client = client;
        this.keys = keys;
        this.timeout = timeout;
        this.clock = clock;
        this.follower = new EtcdFollower(client, keys);
    }

    void start() {
        reload();
    }

    @Override
    public Optional<SpecObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public List<SpecObject> list(Query query) {
        return objects.values().stream().filter(query::matches).toList();
    }

    Listing listConsistent(Query query) {
        lock.lock();
        try {
            return new Listing(resourceVersion, list(query));
        } finally {
            lock.unlock();
        }
    }

    long resourceVersion() {
        return resourceVersion;
    }

    int size() {
        return objects.size();
    }

    void addListener(StoreListener listener) {
        delivery.addListener(listener);
    }

    /** Non-null while the copy cannot follow etcd (it may then be behind). */
    StoreException failure() {
        return failure;
    }

    void lock() {
        lock.lock();
    }

    /** Releases the lock, then tells the listeners what changed while it was held. */
    void unlockAndDeliver() {
        lock.unlock();
        delivery.deliverQueued();
    }

    long counterRevision() {
        return counterRevision;
    }

    /** This replica's commit, at etcd {@code committedRevision}: applied now, its watch event later skipped. */
    void applyOwn(Step step, long committedRevision) {
        LogRecord record = step.record();
        record.delete().forEach(objects::remove);
        record.put().forEach(o -> objects.put(o.key(), o));
        resourceVersion = record.rv();
        revision = committedRevision;
        counterRevision = committedRevision;
        delivery.enqueue(step.events());
        moved.signalAll();
    }

    /** Waits until the copy holds etcd {@code wanted} or later; reads the whole store again if the watch is slow. */
    void awaitRevision(long wanted) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (revision < wanted && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                moved.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while catching up with etcd", e);
        } finally {
            lock.unlock();
        }
        if (revision < wanted && !closed) {
            LOG.warnf("the watch on etcd is %d revisions behind after %d ms: reading the store again",
                    wanted - revision, timeout.toMillis());
            reload();
        }
    }

    /** Another replica's writes (or this one's, already applied: skipped), as etcd reports them. */
    private void apply(WatchResponse response) {
        List<WatchEvent> events = response.getEvents();
        if (events.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            long top = revision;
            long rv = resourceVersion;
            List<SpecObject> put = new ArrayList<>();
            List<ObjectKey> deleted = new ArrayList<>();
            for (WatchEvent e : events) {
                KeyValue kv = e.getKeyValue();
                if (kv.getModRevision() <= revision) {
                    continue;
                }
                top = Math.max(top, kv.getModRevision());
                if (keys.isCounter(kv.getKey())) {
                    rv = Long.parseLong(kv.getValue().toString());
                    counterRevision = kv.getModRevision();
                    continue;
                }
                ObjectKey k = keys.parse(kv.getKey());
                if (k == null) {
                    continue; // not an object's key: the leader election's, under the same prefix
                }
                if (e.getEventType() == WatchEvent.EventType.DELETE) {
                    deleted.add(k);
                } else {
                    try {
                        put.add(EtcdValues.decode(kv));
                    } catch (StoreException bad) {
                        // Not written by a Corral: the copy goes on without it, and readiness says so.
                        failure = bad;
                        LOG.error(bad.getMessage());
                    }
                }
            }
            List<StoreEvent> out = new ArrayList<>();
            put.forEach(o -> out.add(event(o, objects.put(o.key(), o))));
            for (ObjectKey k : deleted) {
                SpecObject gone = objects.remove(k);
                if (gone != null) {
                    out.add(deletion(gone, rv));
                }
            }
            revision = top;
            resourceVersion = rv;
            delivery.enqueue(out);
            moved.signalAll();
        } finally {
            unlockAndDeliver();
        }
    }

    /** The event of another replica's deletion: the object's last state, at the store's version after it. */
    private StoreEvent deletion(SpecObject gone, long rv) {
        return new StoreEvent(StoreEvent.Type.DELETED, gone.withMetadata(gone.metadata().withResourceVersion(rv, clock.instant())), gone);
    }

    /** A status write if nothing but the status (and the version and time that come with it) changed. */
    private static StoreEvent event(SpecObject now, SpecObject before) {
        if (before == null) {
            return new StoreEvent(StoreEvent.Type.ADDED, now, null);
        }
        boolean statusOnly = now.withStatus(before.status(), before.resourceVersion(), before.metadata().updatedAt())
                .equals(before);
        return new StoreEvent(statusOnly ? StoreEvent.Type.STATUS : StoreEvent.Type.MODIFIED, now, before);
    }

    private void recover(Throwable t) {
        if (closed) {
            return;
        }
        failure = new StoreException("the watch on etcd failed: " + t.getMessage(), t);
        LOG.warnf("the watch on etcd failed (%s): reading the store again", t.getMessage());
        try {
            reload();
        } catch (RuntimeException e) {
            // The next write, or the next watch error, tries again; readiness shows the failure meanwhile.
            LOG.errorf("cannot read the store from etcd: %s", e.getMessage());
        }
    }

    /**
     * Reads the whole store at one revision, announces how it differs from the copy, and watches from
     * the revision after it.
     *
     * @throws StoreException if etcd does not answer, or a key of the store holds what is not an object
     */
    private synchronized void reload() {
        GetResponse r = EtcdCalls.await(client.getKVClient().get(keys.root(), GetOption.builder().isPrefix(true).build()),
                timeout, "read the store");
        Map<ObjectKey, SpecObject> read = new HashMap<>();
        long rv = 0;
        long counter = 0;
        for (KeyValue kv : r.getKvs()) {
            if (keys.isCounter(kv.getKey())) {
                rv = Long.parseLong(kv.getValue().toString());
                counter = kv.getModRevision();
            } else if (keys.parse(kv.getKey()) != null) {
                // A value that is not an object stops the read, as a damaged snapshot stops the file store:
                // Corral never runs on part of its specs (it would remove what the missing ones own).
                SpecObject o = EtcdValues.decode(kv);
                read.put(o.key(), o);
            }
        }
        long at = r.getHeader().getRevision();
        lock.lock();
        try {
            if (at > revision) {
                List<StoreEvent> out = new ArrayList<>();
                for (SpecObject o : read.values()) {
                    SpecObject before = objects.put(o.key(), o);
                    if (before == null || before.resourceVersion() != o.resourceVersion()) {
                        out.add(event(o, before));
                    }
                }
                for (SpecObject gone : List.copyOf(objects.values())) {
                    if (!read.containsKey(gone.key())) {
                        objects.remove(gone.key());
                        out.add(deletion(gone, rv));
                    }
                }
                revision = at;
                resourceVersion = rv;
                counterRevision = counter;
                delivery.enqueue(out);
                moved.signalAll();
            }
            failure = null;
        } finally {
            unlockAndDeliver();
        }
        if (!closed) {
            follower.follow(at + 1, this::apply, this::recover);
        }
    }

    synchronized void close() {
        closed = true;
        follower.close();
        lock.lock();
        try {
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
