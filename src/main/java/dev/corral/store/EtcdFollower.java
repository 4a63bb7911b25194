package dev.corral.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * A watch on the store's prefix whose responses and failures are handed, one at a time and in order,
 * to a thread of their own. Not run on the client's thread: it also completes commits, so a response
 * waiting there for the lock that a committing writer holds while it waits for its commit's answer
 * would stall both for good.
 */
final class EtcdFollower implements AutoCloseable {

    private final Client client;
    private final EtcdKeys keys;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "corral-etcd-watch");
        t.setDaemon(true);
        return t;
    });
    private Watch.Watcher watcher;

    EtcdFollower(Client client, EtcdKeys keys) {
        this.client = client;
        this.keys = keys;
    }

    /** Follows every change from etcd revision {@code from} on, replacing the watch there was. */
    synchronized void follow(long from, Consumer<WatchResponse> changes, Consumer<Throwable> failed) {
        if (watcher != null) {
            watcher.close();
        }
        watcher = client.getWatchClient().watch(keys.root(), WatchOption.builder().isPrefix(true).withRevision(from).build(),
                r -> hand(() -> changes.accept(r)), t -> hand(() -> failed.accept(t)));
    }

    private void hand(Runnable work) {
        try {
            applier.execute(work);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing to follow any more
        }
    }

    @Override
    public synchronized void close() {
        applier.shutdown();
        if (watcher != null) {
            watcher.close();
        }
    }
}
