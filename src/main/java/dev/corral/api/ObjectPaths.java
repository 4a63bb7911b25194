package dev.corral.api;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import jakarta.ws.rs.core.Response;

/**
 * How {@code /specs/{kind}/[{session}/]{name}} addresses an object, for the object itself and its
 * sub-resources ({@code /stats}, ...). A kind whose objects live in a session (Relic) needs the
 * session segment; a kind outside sessions (Session, Agent, Tool) refuses it.
 */
final class ObjectPaths {

    private ObjectPaths() {
    }

    static ObjectKey key(String kind, String session, String name) {
        Kind k = kindOf(kind);
        if (session == null && k.sessionScope() == Kind.Scope.REQUIRED) {
            throw ApiException.notFound("a " + k.name() + " is addressed as /specs/" + k.pathName() + "/{session}/{name}");
        }
        if (session != null && k.sessionScope() == Kind.Scope.FORBIDDEN) {
            throw ApiException.notFound("a " + k.name() + " is not session-scoped: use /specs/" + k.pathName() + "/{name}");
        }
        return ObjectKey.of(k, session, name);
    }

    /** The object, with its {@code ETag}; 404 when it does not exist. */
    static Response read(SpecStore store, ObjectKey key) {
        return read(store, key, false);
    }

    /** @param export as {@link SpecObject#exported()}: ready to apply elsewhere */
    static Response read(SpecStore store, ObjectKey key, boolean export) {
        SpecObject o = store.get(key).orElseThrow(() -> new NotFoundException(key));
        return Response.ok(export ? o.exported() : o).header("ETag", "\"" + o.resourceVersion() + "\"").build();
    }

    static Kind kindOf(String kind) {
        return Kind.ofPathName(kind).orElseThrow(() -> ApiException.notFound("unknown kind \"" + kind
                + "\" (use session, relic, agent, tool or toolrun)"));
    }
}
