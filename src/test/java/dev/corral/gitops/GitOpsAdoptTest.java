package dev.corral.gitops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.admission.WriteRules;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.Action;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Change;
import dev.corral.store.ConflictException;
import dev.corral.store.FileSpecStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The store's take-over of an object that moved from one specs file to another ({@link ApplyOptions#fileAdopting}). */
class GitOpsAdoptTest {

    @TempDir
    Path tmp;

    static SpecObject tool(String name, String image) {
        ObjectNode spec = Json.MAPPER.createObjectNode().put("image", image);
        return new SpecObject(SpecObject.API_VERSION, Kind.Tool, Metadata.declared(name, null, Map.of(), Map.of(), null),
                spec, null);
    }

    @Test
    void aMovedObjectKeepsItsIdentityAndSurvivesItsOldFilesPrune() {
        try (FileSpecStore store = FileSpecStore.open(tmp, Clock.systemUTC(), Long.MAX_VALUE / 4, new WriteRules())) {
            ObjectKey key = ObjectKey.of(Kind.Tool, null, "moving");
            store.apply(List.of(tool("moving", "img:1"), tool("stays", "img:1")), ApplyOptions.file("file:a.yaml"));
            SpecObject before = store.get(key).orElseThrow();

            // Without a take-over it is a conflict, and nothing changes.
            assertThrows(ConflictException.class,
                    () -> store.apply(List.of(tool("moving", "img:1")), ApplyOptions.file("file:b.yaml")));

            List<Change> changes = store.apply(List.of(tool("moving", "img:1")),
                    ApplyOptions.fileAdopting("file:b.yaml", Set.of(key)));
            assertEquals(Action.configured, changes.get(0).action());
            SpecObject after = store.get(key).orElseThrow();
            assertEquals(before.metadata().uid(), after.metadata().uid());
            assertEquals(before.metadata().generation(), after.metadata().generation());
            assertEquals("file:b.yaml", after.metadata().source());

            // The old file's prune no longer touches it.
            store.apply(List.of(tool("stays", "img:1")), ApplyOptions.file("file:a.yaml"));
            assertEquals(after, store.get(key).orElseThrow());
        }
    }
}
