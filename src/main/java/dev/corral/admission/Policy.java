package dev.corral.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.config.CorralConfig;
import dev.corral.config.PolicyConfig;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.SecurityProfiles;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The installation's admission policy ({@code corral.policy.*}): which images may run, resource
 * ceilings per kind, and how many relics per session, sessions in all and unfinished runs per
 * session may exist. Checked after validation and before anything is stored, for the API and
 * the specs directory alike. Counts are taken from the store as it is at admission, with the
 * batch applied on top (objects the batch re-declares are not counted twice).
 */
@ApplicationScoped
public class Policy {

    @Inject
    CorralConfig config;
    @Inject
    SpecStore store;

    private List<Pattern> images;
    private boolean anyImage;

    @PostConstruct
    void init() {
        images = config.policy().images().stream().map(Policy::glob).toList();
        anyImage = config.policy().images().contains("*");
    }

    /** Throws {@link PolicyException} listing every violation in the batch, by document. */
    public void admit(List<SpecObject> batch) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            List<FieldError> doc = new ArrayList<>();
            check(batch.get(i), doc);
            for (FieldError e : doc) {
                errors.add(e.withDocument(i));
            }
        }
        counts(batch, errors);
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
    }

    private void check(SpecObject o, List<FieldError> errors) {
        JsonNode spec = o.spec();
        if (spec == null) {
            return;
        }
        if (!anyImage && spec.hasNonNull("image")) {
            String image = spec.get("image").asText();
            if (images.stream().noneMatch(p -> p.matcher(image).matches())) {
                errors.add(new FieldError(null, "spec.image", "the image " + image + " is not allowed here (corral.policy.images: "
                        + String.join(", ", config.policy().images()) + ")"));
            }
        }
        profiles(spec.path("security"), errors);
        PolicyConfig.Ceilings c = config.policy().limits().get(o.kind().name().toLowerCase(Locale.ROOT));
        JsonNode res = spec.path("resources");
        if (c == null || !res.isObject()) {
            return;
        }
        c.memoryMb().ifPresent(max -> over(res, "memoryMb", max, errors));
        c.cpus().ifPresent(max -> over(res, "cpus", max, errors));
        c.pids().ifPresent(max -> over(res, "pids", max, errors));
    }

    /** {@code unconfined} only where allowed; a named seccomp profile only if its file is there. */
    private void profiles(JsonNode security, List<FieldError> errors) {
        for (String field : List.of("seccomp", "apparmor")) {
            String value = security.path(field).asText(SecurityProfiles.DEFAULT);
            if (SecurityProfiles.UNCONFINED.equals(value) && !config.policy().allowUnconfined()) {
                errors.add(new FieldError(null, "spec.security." + field, "unconfined is not allowed here"
                        + " (corral.policy.allow-unconfined is false)"));
            } else if ("seccomp".equals(field) && !SecurityProfiles.DEFAULT.equals(value)
                    && !SecurityProfiles.UNCONFINED.equals(value)) {
                var dir = config.security().seccompProfiles();
                if (dir.isEmpty() || !java.nio.file.Files.isRegularFile(dir.get().resolve(value + ".json"))) {
                    errors.add(new FieldError(null, "spec.security.seccomp", "no seccomp profile named " + value
                            + (dir.isEmpty() ? " (corral.security.seccomp-profiles is not set)"
                            : " in " + dir.get() + " (" + value + ".json)")));
                }
            }
        }
    }

    private static void over(JsonNode res, String field, double max, List<FieldError> errors) {
        JsonNode v = res.get(field);
        if (v != null && v.isNumber() && v.doubleValue() > max) {
            errors.add(new FieldError(null, "spec.resources." + field, "is " + v.asText() + "; this installation allows at most "
                    + (max == Math.rint(max) ? Long.toString((long) max) : Double.toString(max))));
        }
    }

    private void counts(List<SpecObject> batch, List<FieldError> errors) {
        var p = config.policy();
        if (p.maxSessions().isEmpty() && p.maxRelicsPerSession().isEmpty() && p.maxRunsPerSession().isEmpty()) {
            return;
        }
        Set<ObjectKey> declared = new HashSet<>();
        batch.forEach(o -> declared.add(o.key()));
        List<SpecObject> after = new ArrayList<>(batch);
        for (SpecObject o : store.list(Query.ALL)) {
            if (!declared.contains(o.key())) {
                after.add(o);
            }
        }
        Map<String, Integer> relics = new HashMap<>();
        Map<String, Integer> runs = new HashMap<>();
        int sessions = 0;
        for (SpecObject o : after) {
            switch (o.kind()) {
                case Session -> sessions++;
                case Relic -> relics.merge(o.metadata().session(), 1, Integer::sum);
                case ToolRun -> {
                    if (o.metadata().session() != null && !finished(o)) {
                        runs.merge(o.metadata().session(), 1, Integer::sum);
                    }
                }
                default -> { }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            SpecObject o = batch.get(i);
            String s = o.metadata().session();
            if (o.kind() == Kind.Session && p.maxSessions().isPresent() && sessions > p.maxSessions().getAsInt()) {
                errors.add(new FieldError(i, "metadata.name", "would make " + sessions + " sessions; this installation allows "
                        + p.maxSessions().getAsInt() + " (corral.policy.max-sessions)"));
            } else if (o.kind() == Kind.Relic && p.maxRelicsPerSession().isPresent()
                    && relics.getOrDefault(s, 0) > p.maxRelicsPerSession().getAsInt()) {
                errors.add(new FieldError(i, "metadata.session", "would give session " + s + " " + relics.get(s)
                        + " relics; this installation allows " + p.maxRelicsPerSession().getAsInt()
                        + " (corral.policy.max-relics-per-session)"));
            } else if (o.kind() == Kind.ToolRun && s != null && p.maxRunsPerSession().isPresent()
                    && runs.getOrDefault(s, 0) > p.maxRunsPerSession().getAsInt()) {
                errors.add(new FieldError(i, "metadata.session", "would give session " + s + " " + runs.get(s)
                        + " unfinished runs; this installation allows " + p.maxRunsPerSession().getAsInt()
                        + " (corral.policy.max-runs-per-session)"));
            }
        }
    }

    private static boolean finished(SpecObject run) {
        return RunPhase.finishedIn(run.status());
    }

    /** A glob as a regular expression: {@code *} any characters (slashes too), {@code ?} one. */
    static Pattern glob(String g) {
        StringBuilder b = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString());
    }
}
