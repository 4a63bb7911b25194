package dev.corral.containers;

import dev.corral.events.EventRecorder;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.model.HealthSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs health probes the way the kubelet does: from Corral, against the container's address
 * (HTTP GET, 2xx/3xx healthy; TCP connect) or inside it (exec, exit 0 healthy; HTTP and TCP too where
 * the {@link ProbeSite} says so, as {@code wget} and {@code nc}), after the initial
 * delay, every period, each with its timeout. It only records results and wakes the object's
 * reconcile when something that matters changes (first pass, first failure, threshold reached,
 * recovery): deciding to restart is the planner's job. Every failed probe is an {@code Unhealthy}
 * event (repeats fold into one that counts).
 */
public final class HealthProber {

    private static final Logger LOG = Logger.getLogger(HealthProber.class);

    private final ContainerRuntime runtime;
    private final Consumer<ObjectKey> wake;
    private final MeterRegistry registry;
    private final Clock clock;
    private final EventRecorder events;
    private final ScheduledExecutorService scheduler;
    private final HttpClient http;
    private final ProbeSite site;
    private final Map<ObjectKey, Watch> watches = new ConcurrentHashMap<>();

    public HealthProber(ContainerRuntime runtime, Consumer<ObjectKey> wake, MeterRegistry registry, Clock clock,
                        EventRecorder events, int threads, ProbeSite site) {
        this.runtime = runtime;
        this.site = site;
        this.events = events;
        this.wake = wake;
        this.registry = registry;
        this.clock = clock;
        this.scheduler = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "corral-probe");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private final class Watch {
        final ObjectKey key;
        final String uid;
        final String containerId;
        final HealthSpec health;
        final String address;
        final Instant since;
        volatile boolean passed;
        volatile int failures;
        volatile String lastMessage;
        volatile ScheduledFuture<?> next;
        volatile boolean cancelled;

        Watch(ObjectKey key, String uid, String containerId, HealthSpec health, String address, Instant since) {
            this.key = key;
            this.uid = uid;
            this.containerId = containerId;
            this.health = health;
            this.address = address;
            this.since = since;
        }

        void run() {
            if (cancelled) {
                return;
            }
            String failure = probe(this);
            boolean ok = failure == null;
            counter(key.kind().name(), ok ? "success" : "failure").increment();
            int threshold = health.failureThreshold();
            boolean matters;
            if (ok) {
                matters = !passed || failures > 0;
                passed = true;
                failures = 0;
                lastMessage = null;
            } else {
                failures++;
                lastMessage = failure;
                if (!cancelled) {
                    events.warning(key, uid, "Unhealthy", "health probe failed: " + failure);
                }
                matters = (passed && (failures == 1 || failures == threshold)) || (!passed && failures == 1);
            }
            if (matters && !cancelled) {
                wake.accept(key);
            }
            if (!cancelled) {
                next = scheduler.schedule(this::run, health.periodSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Starts probing a container (a no-op if it is already probed).
     *
     * @param uid     the object's uid, for its events
     * @param address the container's IP address for http and tcp probes
     */
    public void watch(ObjectKey key, String uid, String containerId, HealthSpec health, String address) {
        Watch current = watches.get(key);
        if (current != null && current.containerId.equals(containerId) && current.health.equals(health)
                && java.util.Objects.equals(current.address, address)) {
            return;
        }
        Watch w = new Watch(key, uid, containerId, health, address,
                current != null && current.containerId.equals(containerId) ? current.since : clock.instant());
        if (current != null && current.containerId.equals(containerId)) {
            w.passed = current.passed;
        }
        watches.put(key, w);
        if (current != null) {
            cancel(current);
        }
        w.next = scheduler.schedule(w::run, health.initialDelaySeconds() * 1000, TimeUnit.MILLISECONDS);
    }

    public boolean watching(ObjectKey key, String containerId) {
        Watch w = watches.get(key);
        return w != null && w.containerId.equals(containerId);
    }

    /** Stops probing an object (its container ended or is gone). */
    public void stop(ObjectKey key) {
        Watch w = watches.remove(key);
        if (w != null) {
            cancel(w);
        }
    }

    public ProbeView view(ObjectKey key) {
        Watch w = watches.get(key);
        return w == null ? null : new ProbeView(w.containerId, w.since, w.passed, w.failures, w.lastMessage);
    }

    public void shutdown() {
        scheduler.shutdownNow();
    }

    private void cancel(Watch w) {
        w.cancelled = true;
        if (w.next != null) {
            w.next.cancel(false);
        }
    }

    /** Whether this object's probes go to its container's address (then Corral must be on its network). */
    public boolean byAddress(HealthSpec health) {
        return health.byAddress() && !site.inside();
    }

    /** Runs one probe; null when healthy, else why not. */
    private String probe(Watch w) {
        Duration timeout = Duration.ofSeconds(w.health.timeoutSeconds());
        try {
            if (w.health.probe() instanceof HealthSpec.Exec exec) {
                ExecResult r = runtime.exec(w.containerId, exec.command(), timeout);
                if (r.exitCode() == null) {
                    return "exec probe timed out after " + timeout.toSeconds() + " s";
                }
                return r.succeeded() ? null : "exec probe exited with " + r.exitCode();
            }
            if (site.inside()) {
                return probeInside(w, timeout);
            }
            if (w.address == null) {
                return "the container has no address on its network";
            }
            if (w.health.probe() instanceof HealthSpec.Tcp tcp) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(w.address, tcp.port()), (int) timeout.toMillis());
                }
                return null;
            }
            HealthSpec.Http h = (HealthSpec.Http) w.health.probe();
            URI uri = URI.create("http://" + w.address + ":" + h.port() + h.path());
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() >= 200 && r.statusCode() < 400 ? null : "HTTP probe got " + r.statusCode();
        } catch (IOException e) {
            return "probe failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe interrupted";
        } catch (java.lang.RuntimeException e) {
            LOG.debugf(e, "probe of %s failed", w.key);
            return "probe failed: " + e.getMessage();
        }
    }

    /**
     * An HTTP or TCP probe run inside the container. {@code timeout} (busybox's, coreutils') ends a probe
     * that hangs: an exec the engine is merely no longer waited for would go on holding one of the
     * container's pids.
     */
    private String probeInside(Watch w, Duration timeout) {
        String what = w.health.probe() instanceof HealthSpec.Http ? "HTTP" : "TCP";
        // A second beyond nc's own -w: some netcats wait -w after their input closes, and that is a success.
        long bound = timeout.toSeconds() + (w.health.probe() instanceof HealthSpec.Tcp ? 1 : 0);
        var command = new java.util.ArrayList<String>(List.of("timeout", String.valueOf(bound)));
        command.addAll(w.health.insideCommand());
        // The engine's own exec round trip is not the probe's: a second more to come back.
        ExecResult r = runtime.exec(w.containerId, command, Duration.ofSeconds(bound + 1));
        if (r.exitCode() == null || r.exitCode() == 143 || r.exitCode() == 124) {
            return what + " probe (inside the container) timed out after " + timeout.toSeconds() + " s";
        }
        if (r.exitCode() == 126 || r.exitCode() == 127) {
            return what + " probe (inside the container) could not run " + command.get(2)
                    + ": the image needs timeout, wget and nc (" + r.output().strip() + ")";
        }
        return r.succeeded() ? null : what + " probe (inside the container) failed: " + command.get(2)
                + " exited with " + r.exitCode() + (r.output().isBlank() ? "" : ": " + r.output().strip());
    }

    private Counter counter(String kind, String result) {
        return Counter.builder("corral_probe_results_total").description("Health probe results")
                .tag("kind", kind).tag("result", result).register(registry);
    }
}
