package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.auth.Role;
import dev.corral.gitops.SourceRegistry;
import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code GET /sources}: where objects come from, and what each specs file last did. */
@Path("/sources")
@RolesAllowed(Role.R)
public class SourcesResource {

    /**
     * One source. For a file: the hash and time of its last successful apply, its last attempt,
     * the errors that kept its current content from being applied (if any), and claims other
     * sources made on its objects.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SourceView(String source, String hash, Instant appliedAt, Instant attemptedAt,
                             List<String> objects, List<FieldError> errors, List<String> conflicts) {
    }

    @Inject
    SpecStore store;

    @Inject
    SourceRegistry registry;

    @GET
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML})
    @Operation(summary = "Sources of objects (api and each specs file), with their last apply and errors")
    public Map<String, List<SourceView>> list() {
        Map<String, List<String>> objects = new TreeMap<>();
        for (SpecObject o : store.list(Query.ALL)) {
            objects.computeIfAbsent(o.metadata().source(), k -> new ArrayList<>()).add(o.key().toString());
        }
        TreeSet<String> names = new TreeSet<>(objects.keySet());
        names.addAll(registry.files().keySet());
        names.addAll(registry.owners());
        names.add(ApplyOptions.API);
        List<SourceView> views = new ArrayList<>();
        for (String name : names) {
            SourceRegistry.FileState f = registry.file(name);
            views.add(new SourceView(name,
                    f == null ? null : f.hash(),
                    f == null ? null : f.appliedAt(),
                    f == null ? null : f.attemptedAt(),
                    objects.getOrDefault(name, List.of()),
                    f == null ? List.of() : f.errors(),
                    registry.claimsAgainst(name)));
        }
        return Map.of("items", views);
    }
}
