package dev.corral.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** All of Corral's settings ({@code corral.*}); each can also be set as an environment variable ({@code CORRAL_DATA_DIR}). */
@ConfigMapping(prefix = "corral")
public interface CorralConfig {

    /** Where the store keeps its snapshot and write-ahead log. Created if missing. */
    @WithDefault("./data")
    Path dataDir();

    /** The watched specs directory (GitOps). Unset: no directory is watched. */
    Optional<Path> specsDir();

    /** The API's settings. */
    ApiConfig api();

    /** The store's settings. */
    Store store();

    /** Watches of the specs ({@code GET /specs?watch=true}). */
    WatchConfig watch();

    /** The specs directory watcher's settings. */
    SpecsConfig specs();

    /** Agents' settings. */
    Agent agent();

    /**
     * This installation's name, stamped on everything it creates ({@code corral.dev/instance}).
     * Corrals with different names share an engine without touching each other's resources.
     */
    @WithDefault("default")
    String instance();

    /** How Corral reaches the container engine. */
    Docker docker();

    /** What the engine is: one Docker engine, or a Swarm manager that places containers across nodes. */
    Engine engine();

    interface Engine {
        /**
         * {@code docker}: relics and agents are containers of the engine at {@code corral.docker.host}.
         * {@code swarm}: that engine is a Swarm manager; sessions are overlay networks, relics and agents
         * one-replica services placed by Swarm (docs/swarm.md).
         */
        @WithDefault("docker")
        EngineMode mode();

        /** Swarm mode: how often the nodes and tasks are looked at (Swarm has no task events). */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * Where HTTP and TCP health probes run. {@code address}: from Corral to the container's address on
         * its network, as the kubelet does. {@code inside}: as {@code wget} / {@code nc} inside the container
         * (the image must have them, as busybox, alpine and Corral's runners do), as Docker's own HEALTHCHECK
         * does. {@code auto}: inside on Podman, whose internal networks have no address on the host
         * (docs/podman.md); by address on Docker. Exec probes always run inside.
         */
        @WithDefault("auto")
        ProbeSite probes();

        /**
         * Swarm mode: where tool runs run. {@code manager}: as plain containers of the manager's own engine, with
         * warm pools. {@code swarm}: each run a one-shot Swarm job placed by Swarm on any node (never started twice;
         * a run whose node is lost ends Failed), without warm pools or output files (docs/swarm.md).
         */
        @WithDefault("manager")
        RunPlacement runs();

        /**
         * With {@code runs=swarm}: Swarm nodes whose own engines Corral reaches, each as {@code HOSTNAME=DOCKER_HOST}
         * (the node's hostname as {@code docker node ls} shows it; its engine's address, as {@code corral.docker.host}).
         * Each keeps the warm pools (a Tool's {@code pool}, the language runners') of the Tools its placement allows
         * there; a run takes a warm container on any of them, and becomes a Swarm job when none is free
         * (docs/swarm.md). Unset: no pools, every run a job.
         */
        Optional<List<String>> nodeEngines();
    }

    enum RunPlacement { manager, swarm }

    enum EngineMode { docker, swarm }

    enum ProbeSite { auto, address, inside }

    /** The reconcile loop's settings. */
    ReconcileConfig reconcile();

    /** Session networks' settings. */
    Network network();

    /** Restart behaviour for crashed containers. */
    Restart restart();

    /** Tool runs' settings. */
    Runs runs();

    /** Who may call the API. */
    Auth auth();

    /** What may be declared at all (admission): checked on every apply, from the API and from files. */
    PolicyConfig policy();

    /** Kernel-level profiles for containers. */
    Security security();

    /** The audit log of changing requests. */
    Audit audit();

    /** Containers' resource usage ({@code GET /stats}, {@code corral_container_*} series). */
    Stats stats();

    interface Stats {
        /** Whether Corral samples its containers' usage at all. */
        @WithDefault("true")
        boolean enabled();

        /** How often every managed container is sampled while it works. */
        @WithDefault("10s")
        Duration interval();

        /**
         * The longest an idle container is left unsampled: after each sample that finds it idle its
         * interval doubles up to this (cAdvisor's dynamic housekeeping); one that finds it working
         * brings it back to {@code interval}. Equal to {@code interval}: every container every interval.
         */
        @WithDefault("30s")
        Duration idleInterval();

        /**
         * Where samples are read: {@code auto} (the kernel's cgroup files when Corral sees the host's,
         * else the engine's stats API), {@code cgroup} or {@code engine}.
         */
        @WithDefault("auto")
        Source source();

        enum Source { AUTO, CGROUP, ENGINE }
    }

    /** Kubernetes-style events ({@code GET /events}), kept in memory. */
    Events events();

    interface Events {
        /** Events kept; past it the one least recently seen is dropped. Repeats fold into one event and count once. */
        @WithDefault("1000")
        int max();
    }

    interface Audit {
        /** Size at which {@code audit.log} is rotated to {@code audit.log.1}. */
        @WithDefault("10485760")
        long maxBytes();

        /** Rotated files kept ({@code audit.log.1} ... {@code .N}). */
        @WithDefault("5")
        int maxFiles();
    }

    interface Auth {
        /**
         * A file of lines {@code <name> <role> <token>} ({@code #} comments; roles read, run, write,
         * admin). Unset: no authentication, and Corral listens on 127.0.0.1 only. Re-read when it changes.
         */
        Optional<Path> tokensFile();

        /** Serve without tokens on an address other than loopback anyway (a warning at every start). */
        @WithDefault("false")
        boolean allowAnonymous();

        /** {@code /q/metrics}, {@code /q/openapi} and the Swagger UI without a token (they need {@code read} otherwise). */
        @WithDefault("false")
        boolean openMetrics();
    }

    interface Runs {
        /** Runs executing at once; more wait as {@code Pending}. Default: four per core. */
        java.util.OptionalInt maxConcurrent();

        /** Runs waiting for a slot; beyond this {@code POST /runs} answers 429. */
        @WithDefault("200")
        int maxQueued();

        /** Cap of {@code status.stdout} and of {@code status.stderr}, each. */
        @WithDefault("1048576")
        long outputCapBytes();

        /** Cap of all files a run leaves in {@code /workspace/output}, together. */
        @WithDefault("10485760")
        long filesCapBytes();

        /** Image of {@code language: bash} runs. */
        @WithDefault("corral/runner-bash:latest")
        String bashImage();

        /** Image of {@code language: python} runs. */
        @WithDefault("corral/runner-python:latest")
        String pythonImage();

        /** Image of {@code language: node} runs. */
        @WithDefault("corral/runner-node:latest")
        String nodeImage();

        /** Warm containers kept for {@code language: bash} runs (0: none, every run starts a container). */
        @WithDefault("0")
        int bashPoolSize();

        /**
         * The most warm containers {@code language: bash} runs' pool grows to while runs find it empty
         * (unset: the pool stays at its size); it shrinks back after {@code pool-shrink-after}.
         */
        Optional<Integer> bashPoolMax();

        /** Warm containers kept for {@code language: python} runs. */
        @WithDefault("0")
        int pythonPoolSize();

        /**
         * The most warm containers {@code language: python} runs' pool grows to while runs find it empty
         * (unset: the pool stays at its size); it shrinks back after {@code pool-shrink-after}.
         */
        Optional<Integer> pythonPoolMax();

        /** Warm containers kept for {@code language: node} runs. */
        @WithDefault("0")
        int nodePoolSize();

        /**
         * The most warm containers {@code language: node} runs' pool grows to while runs find it empty
         * (unset: the pool stays at its size); it shrinks back after {@code pool-shrink-after}.
         */
        Optional<Integer> nodePoolMax();

        /**
         * How long a pool grown by demand stays grown after the last run that looked for one of its
         * containers; then its idle containers beyond its size are removed.
         */
        @WithDefault("5m")
        Duration poolShrinkAfter();

        /**
         * Workspaces made ahead, per image, for cold runs of Tools whose image has no {@code /workspace} their user
         * may write (0 or less: none; each such run then uploads its workspace before its start, ~50 ms). Made once
         * the first cold run of an image has ended (or 2 s after its container was created), removed after
         * {@code pool-shrink-after} without a run taking one.
         */
        @WithDefault("4")
        int workspaceStock();

        /**
         * The longest a finished run's container waits to be removed while other runs are in flight (it is removed
         * as soon as none is; 0: always at once). A removal takes the engine ~45 ms, which a burst's runs need more.
         */
        @WithDefault("10s")
        Duration removalDelayMax();

        /** Timeout of a language run that sets none. */
        @WithDefault("60")
        int defaultTimeoutSeconds();
    }

    interface Docker {
        /** The engine's address; unset: {@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}. */
        Optional<String> host();

        /** Longest wait for one engine call (image pulls excepted). */
        @WithDefault("2m")
        Duration callTimeout();

        /**
         * The block device that disk I/O limits ({@code resources.diskReadBps}, {@code diskWriteBps}) apply to,
         * as a path on the engine's host; unset: the one under the engine's data root, found when Corral
         * runs on that host.
         */
        Optional<String> diskDevice();
    }

    interface Security {
        /**
         * A directory of seccomp profiles, {@code NAME.json} each, that specs name in
         * {@code security.seccomp}; unset: only {@code default} (and {@code unconfined} where allowed).
         */
        Optional<java.nio.file.Path> seccompProfiles();
    }

    interface Network {
        /**
         * Address pool for session networks, cut into subnets of {@code subnet-prefix}: each session
         * gets its own, freed when the session goes. Docker's default pools hold only ~30 networks.
         */
        @WithDefault("10.213.0.0/16")
        String pool();

        /** Prefix length of each session's subnet (/26: 62 addresses, 1024 sessions in a /16). */
        @WithDefault("26")
        int subnetPrefix();
    }

    interface Restart {
        /** Delay before the second restart in a row (the first is immediate); doubles per crash. */
        @WithDefault("10s")
        Duration backoffBase();

        /** Longest crash-loop delay. */
        @WithDefault("5m")
        Duration backoffMax();

        /** Running this long without a crash forgets the crash-loop backoff. */
        @WithDefault("10m")
        Duration backoffReset();

        /** How long a container gets to stop on SIGTERM before it is killed. */
        @WithDefault("10s")
        Duration stopGrace();
    }

    interface Store {
        /** Which store: {@code file} (embedded, in the data directory) or {@code etcd} (shared by several Corrals). */
        @WithDefault("file")
        StoreKind kind();

        /** The write-ahead log is folded into a snapshot once it is larger than this and than the last snapshot. */
        @WithDefault("16777216")
        long compactMinBytes();

        /** {@code corral.store.etcd.*}: where the etcd store is, read only when {@code kind} is {@code etcd}. */
        Etcd etcd();
    }

    enum StoreKind { file, etcd }

    interface Etcd {
        /** The etcd cluster's client URLs. */
        @WithDefault("http://127.0.0.1:2379")
        List<String> endpoints();

        /** Every key Corral writes is under this prefix: several Corral installations may share one etcd. */
        @WithDefault("/corral")
        String prefix();

        /** How long one etcd request may take before the operation fails (503) or a replica gives up leading. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * How long the leader's lease lasts without renewal: a leader that dies is replaced within about
         * this long; a leader cut off from etcd stops reconciling before it runs out.
         */
        @WithDefault("5s")
        Duration leaseTtl();
    }

    interface Agent {
        /**
         * Host directories under which an Agent's {@code code} may be; a relative {@code code} path is resolved
         * against the first. Paths elsewhere are refused at validation.
         */
        @WithDefault("./agents")
        List<Path> codeRoots();

        /** The image of an Agent deployed through LAIS's {@code POST /api/deploy} without one (LAIS's runner). */
        @WithDefault("laias/agent-runner:latest")
        String runnerImage();
    }
}
