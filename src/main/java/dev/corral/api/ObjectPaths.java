package dev.corral.api;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;

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

    static Kind kindOf(String kind) {
        return Kind.ofPathName(kind).orElseThrow(() -> ApiException.notFound("unknown kind \"" + kind
                + "\" (use session, relic, agent, tool or toolrun)"));
    }
}
