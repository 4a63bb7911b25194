package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.model.PoolBounds;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The language runners: what runs a language's code, in which image, with how many warm containers. */
public enum Runner {
    BASH("bash", "sh"),
    PYTHON("python3", "py"),
    NODE("node", "js");

    private final String interpreter;
    private final String extension;

    Runner(String interpreter, String extension) {
        this.interpreter = interpreter;
        this.extension = extension;
    }

    /** The runner of a {@code language} field's value ({@code bash}, {@code python}, {@code node}). */
    public static Runner of(String language) {
        return valueOf(language.toUpperCase(Locale.ROOT));
    }

    /** The language's name as in specs and settings. */
    public String language() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String interpreter() {
        return interpreter;
    }

    /**
     * What a warm container of this runner starts ahead of its run ({@link Prestart}): python, whose interpreter
     * takes ~12 ms to start here; bash starts in ~3, and node's warm runs are not a target yet.
     */
    public Optional<List<String>> prestarted() {
        return this == PYTHON ? Optional.of(Prestart.python(interpreter, scriptPath())) : Optional.empty();
    }

    /** Where a run's code is written. */
    public String scriptPath() {
        return "/workspace/scripts/main." + extension;
    }

    public String image(CorralConfig.Runs cfg) {
        return switch (this) {
            case BASH -> cfg.bashImage();
            case PYTHON -> cfg.pythonImage();
            case NODE -> cfg.nodeImage();
        };
    }

    /** {@code corral.runs.<language>-pool-size} and {@code -pool-max} (a max below the size is the size). */
    public PoolBounds pool(CorralConfig.Runs cfg) {
        return switch (this) {
            case BASH -> PoolBounds.of(cfg.bashPoolSize(), cfg.bashPoolMax().orElse(cfg.bashPoolSize()));
            case PYTHON -> PoolBounds.of(cfg.pythonPoolSize(), cfg.pythonPoolMax().orElse(cfg.pythonPoolSize()));
            case NODE -> PoolBounds.of(cfg.nodePoolSize(), cfg.nodePoolMax().orElse(cfg.nodePoolSize()));
        };
    }

    /** The key of this runner's warm pool: a Tool key no real Tool can have ('@' is not a name character). */
    public ObjectKey poolKey() {
        return ObjectKey.of(Kind.Tool, null, "@" + language());
    }

    /** The runner whose pool this key is, if it is one. */
    public static Optional<Runner> ofPoolKey(ObjectKey key) {
        for (Runner r : values()) {
            if (r.poolKey().equals(key)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
