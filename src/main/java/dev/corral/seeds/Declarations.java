package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.admission.Policy;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecValidator;
import dev.corral.store.ApplyOptions;
import dev.corral.store.SpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a seed's adapter changes anything: it declares specs, exactly as {@code PUT /specs} would
 * (validated, admitted by the policy, applied all or nothing as the {@code api} source), and the
 * loop does the work. Nothing here calls the engine.
 */
@ApplicationScoped
public class Declarations {

    /** Which seed's surface declared an object: {@code lais}, {@code cortex}. */
    public static final String SURFACE_LABEL = "corral.dev/surface";

    @Inject
    SpecValidator validator;
    @Inject
    Policy policy;
    @Inject
    SpecStore store;

    /** A document of {@code kind} with these metadata and spec, ready to declare. */
    public static ObjectNode document(Kind kind, String name, String session, Map<String, String> labels,
                                      Map<String, String> annotations, ObjectNode spec) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("apiVersion", "corral.dev/v1");
        doc.put("kind", kind.name());
        ObjectNode metadata = doc.putObject("metadata");
        metadata.put("name", name);
        if (session != null) {
            metadata.put("session", session);
        }
        if (labels != null && !labels.isEmpty()) {
            labels.forEach(metadata.putObject("labels")::put);
        }
        if (annotations != null && !annotations.isEmpty()) {
            annotations.forEach(metadata.putObject("annotations")::put);
        }
        doc.set("spec", spec);
        return doc;
    }

    /** Declares the documents in one all-or-nothing apply; returns them as stored, in order. */
    public List<SpecObject> declare(List<? extends JsonNode> documents) {
        List<SpecObject> objects = validator.validateAll(new ArrayList<>(documents));
        policy.admit(objects);
        store.apply(objects, ApplyOptions.api(false));
        return objects.stream().map(o -> store.get(o.key()).orElse(o)).toList();
    }

    /** Declares {@code current} again with {@code spec} (its labels and annotations kept). */
    public SpecObject redeclare(SpecObject current, ObjectNode spec) {
        ObjectNode doc = document(current.kind(), current.metadata().name(), current.metadata().session(),
                current.metadata().labels(), current.metadata().annotations(), spec);
        return declare(List.of(doc)).get(0);
    }

    /**
     * The object name of the seed's session {@code seedSession}, declaring the Session (labelled with
     * {@code surface}) if it does not exist yet, as the seeds create theirs on first use.
     *
     * @param internal the session network's {@code internal}, for a new session
     */
    public String ensureSession(String seedSession, String surface, boolean internal) {
        String name = SeedNames.toObjectName(seedSession);
        if (store.get(new ObjectKey(Kind.Session, null, name)).isEmpty()) {
            ObjectNode spec = Json.MAPPER.createObjectNode();
            spec.putObject("network").put("internal", internal);
            declare(List.of(document(Kind.Session, name, null, Map.of(SURFACE_LABEL, surface),
                    SeedNames.annotations(seedSession), spec)));
        }
        return name;
    }

    /** Deletes what {@code key} names (a Session: with everything in it); false if it did not exist. */
    public boolean delete(ObjectKey key) {
        if (store.get(key).isEmpty()) {
            return false;
        }
        store.delete(key, null, ApplyOptions.API);
        return true;
    }
}
