package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.util.List;
import java.util.Optional;

/**
 * Where specs live. Every method that returns normally has made its change durable. Two
 * implementations keep the same contract (the tests' {@code SpecStoreContract} runs one suite on both): the
 * embedded {@link FileSpecStore} ({@code corral.store.kind=file}) and {@link EtcdSpecStore}, shared by
 * several Corrals ({@code corral.store.kind=etcd}).
 */
public interface SpecStore extends StoreReader, AutoCloseable {

    /**
     * Applies a batch all-or-nothing: every object is created, configured or unchanged, or, if
     * any object conflicts, nothing changes and a {@link ConflictException} lists every conflict.
     * The writer ({@code options.source()}) becomes each written object's source; the store's
     * {@link WriteHook} decides who may write what.
     * {@code generation} grows only when an object's spec changes; each written object gets its
     * own, store-wide increasing {@code resourceVersion}; stored status is kept.
     */
    List<Change> apply(List<SpecObject> objects, ApplyOptions options);

    /**
     * Deletes an object, and what the store's {@link WriteHook} cascades to, in one durable step.
     *
     * @param expectedResourceVersion precondition, or null
     * @param source                  who asks ({@code api}); the hook may refuse it
     * @return the deleted objects, the named one first
     */
    List<SpecObject> delete(ObjectKey key, Long expectedResourceVersion, String source);

    /**
     * Replaces an object's status. Bumps {@code resourceVersion}, never {@code generation}.
     *
     * @return the updated object, or empty if it no longer exists
     */
    Optional<SpecObject> updateStatus(ObjectKey key, ObjectNode status);

    /**
     * Objects matching the query, in key order, with the resourceVersion they are the state at
     * (read consistently: a plain {@link #list} may see part of a write that is being made).
     */
    Listing listConsistent(Query query);

    /** The newest resourceVersion handed out. */
    long resourceVersion();

    int size();

    void addListener(StoreListener listener);

    /** Non-null while the store cannot be trusted to accept writes (a failed disk sync; etcd out of reach). */
    StoreException failure();

    /** Times every write that changes something from now on (dry runs and unchanged statuses are not timed). */
    void timeWrites(WriteTimer timer);

    /** Which store this is and where it keeps its data, for readiness and logs. */
    String describe();

    @Override
    void close();
}
