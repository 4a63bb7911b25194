package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;
import dev.corral.store.SpecStore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Gathers what the {@link RunPlanner} decides on: first what the store and the picture say, then,
 * one at a time and only when the planner asks, the facts that cost an engine call or take a
 * reservation (a run slot, a warm container).
 */
final class RunObserver {

    /** A replacement warm container is made after a short run has had time to finish, not beside it. */
    private static final Duration REFILL_DELAY = Duration.ofMillis(250);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final AttachedOutputs streams;
    private final ObservedState observed;
    private final RunSlots slots;
    private final WarmPools pools;
    private final CorralConfig.Runs config;
    private final Clock clock;
    private final BiConsumer<ObjectKey, Duration> refill;
    private final EventRecorder events;

    RunObserver(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots, WarmPools pools,
                AttachedOutputs streams, CorralConfig.Runs config, Clock clock, BiConsumer<ObjectKey, Duration> refill,
                EventRecorder events) {
        this.streams = streams;
        this.events = events;
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.slots = slots;
        this.pools = pools;
        this.config = config;
        this.clock = clock;
        this.refill = refill;
    }

    /** @param run the stored run, or null when it is gone */
    RunObservation observe(ObjectKey key, SpecObject run) {
        // A warm container keeps its pool's labels: the claim (and the run's status) name it.
        List<String> claims = pools.claimedBy(key);
        for (String id : claims) {
            if (streams.reported(id) && observed.container(id).filter(ObservedContainer::running).isPresent()) {
                // Its run reported, and its launcher waits to be removed: over, though a list since says running.
                observed.setState(id, "exited");
            }
        }
        List<ObservedContainer> owned = new ArrayList<>(observed.containersOf(key));
        claims.forEach(id -> addSeen(owned, id));
        List<String> unseen = claims.stream().filter(id -> observed.container(id).isEmpty()).toList();
        if (run == null) {
            return RunObservation.of(true, RunStatus.NONE, false, owned, unseen, clock.instant());
        }
        RunStatus status = RunStatus.of(run.status());
        if (status.pooledContainer() != null) {
            addSeen(owned, status.pooledContainer());
        }
        boolean cancel = run.metadata().annotations() != null
                && "true".equals(run.metadata().annotations().get(ToolRunSpec.CANCEL_ANNOTATION));
        RunObservation o = RunObservation.of(false, status, cancel, ToolRunSpec.of(run.spec()).keepContainer(), owned,
                unseen, clock.instant());
        if (!status.finished() && o.container() != null) {
            // A run with a container holds a slot whatever the bound: one found after a restart is not stopped.
            slots.occupy(key);
        }
        return o;
    }

    /** The observation with {@code fact} gathered. */
    RunObservation answer(RunStep.Fact fact, RunObservation o, ObjectKey key, SpecObject run) {
        return switch (fact) {
            case SLOT -> o.with(slots.tryAcquire(key) ? RunObservation.Slot.FREE : RunObservation.Slot.FULL);
            case SETUP -> o.with(setup(run));
            case WARM -> o.with(claimWarm(key, ((RunObservation.Setup.Ready) o.setup()).setup()));
            case ENGINE -> o.with(new RunObservation.Inspection(runtime.inspectContainer(
                    o.container() != null ? o.container().id() : o.status().containerId()).orElse(null)));
            case INPUT -> o.with(input(o.container().id()));
        };
    }

    private void addSeen(List<ObservedContainer> owned, String id) {
        observed.container(id).filter(c -> !owned.contains(c)).ifPresent(owned::add);
    }

    /** Reads the run's Tool and makes its image present. */
    private RunObservation.Setup setup(SpecObject run) {
        try {
            ToolRunSpec spec = ToolRunSpec.of(run.spec());
            ToolSpec tool = RunContainers.toolOf(spec, store::get);
            String image = RunContainers.image(tool, spec.languageRun() ? Runner.of(spec.language()) : null, config);
            ImageDefaults defaults = runtime.ensureImage(image, RunContainers.pullPolicy(tool));
            if (defaults.pulled()) {
                events.normal(run.key(), run.metadata().uid(), "Pulled", "pulled image " + image);
            }
            return new RunObservation.Setup.Ready(RunContainers.setup(run, spec, tool, defaults, config));
        } catch (IllegalArgumentException e) {
            return new RunObservation.Setup.Refused(e.getMessage(), null);
        } catch (ImageUnavailableException e) {
            return new RunObservation.Setup.Refused(e.getMessage(), e.mayPull() ? e : null);
        }
    }

    private RunObservation.WarmClaim claimWarm(ObjectKey key, RunContainers.RunSetup setup) {
        RunContainers.Shape shape = setup.shape();
        Optional<String> warm = pools.claim(shape.pool(), shape.hash(), key,
                id -> observed.container(id).map(ObservedContainer::running).orElse(false));
        // A replacement is made in the background, whether or not one was found.
        refill.accept(shape.pool(), warm.isPresent() ? REFILL_DELAY : Duration.ZERO);
        return new RunObservation.WarmClaim(warm.orElse(null));
    }

    /**
     * Known when this process gave it and sees its output; after a restart, or once its attachment ended
     * without the report, it is asked (the launcher leaves a mark once it reads its stdin, another once it
     * has reported). Started (0), or no clear answer: taken, never risk giving it twice, and asked again.
     */
    private RunObservation.Input input(String id) {
        boolean fed = pools.fed(id);
        if (fed && streams.watching(id)) {
            return RunObservation.Input.TAKEN;
        }
        Long answer = runtime.exec(id, Launcher.STARTED_PROBE, PROBE_TIMEOUT).exitCode();
        if (answer != null && answer == Launcher.PROBE_REPORTED) {
            return RunObservation.Input.REPORTED;
        }
        if (!fed && answer != null && answer == Launcher.PROBE_AWAITING) {
            return RunObservation.Input.AWAITED;
        }
        // Taken, or no clear answer (a probe the launcher's last kill caught): never given its run (again). No
        // attachment sees its report, and its launcher does not exit after it: asked again.
        pools.markFed(id);
        return RunObservation.Input.STARTED;
    }
}
