package dev.corral.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for one etcd request, turning what can go wrong into a {@link StoreException} that says what to do. */
final class EtcdCalls {

    private EtcdCalls() {
    }

    static <T> T await(CompletableFuture<T> call, Duration timeout, String what) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new Unanswered("etcd did not answer within " + timeout.toMillis() + " ms to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for etcd to " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
                throw new Unanswered("etcd was unavailable to " + what + ": " + message(s), s);
            }
            throw new StoreException("etcd refused to " + what + ": " + message(e.getCause()) + hint(e.getCause()), e.getCause());
        }
    }

    /**
     * A request etcd did not answer, or that its member could not complete (its leader was lost): a write's
     * outcome is then unknown, it may still land. Another attempt finds out.
     */
    static final class Unanswered extends StoreException {
        Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** etcd's own limits on one transaction, which an apply of many objects meets first. */
    private static String hint(Throwable t) {
        String m = String.valueOf(t.getMessage());
        if (m.contains("too many operations in txn request")) {
            return " (one write of many objects is one etcd transaction: start etcd with a larger --max-txn-ops, default 128)";
        }
        if (m.contains("request is too large")) {
            return " (start etcd with a larger --max-request-bytes, default 1.5 MiB)";
        }
        return "";
    }
}
