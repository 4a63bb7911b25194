package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.HostPaths;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecValidator;
import dev.corral.spec.schema.FieldError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs as the store holds them: validated, with the schema's defaults filled in. The typed specs
 * ({@code RelicSpec}, {@code HealthSpec}, ...) read only such specs, as no reader supplies a default.
 */
final class ValidSpecs {

    /** Agents' code may be anywhere under /srv in these tests. */
    private static final SpecValidator VALIDATOR = new SpecValidator(new HostPaths(List.of(Path.of("/srv"))));

    private ValidSpecs() {
    }

    static ObjectNode defaulted(Kind kind, String session, String name, ObjectNode spec) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("apiVersion", SpecObject.API_VERSION);
        doc.put("kind", kind.name());
        ObjectNode md = doc.putObject("metadata");
        md.put("name", name);
        if (session != null) {
            md.put("session", session);
        }
        doc.set("spec", spec);
        List<FieldError> errors = new ArrayList<>();
        SpecObject o = VALIDATOR.validate(doc, errors);
        if (o == null || !errors.isEmpty()) {
            throw new IllegalArgumentException("invalid test spec " + spec + ": " + errors);
        }
        return o.spec();
    }
}
