package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;

/**
 * Where the etcd store keeps what, under one prefix (default {@code /corral}):
 * {@code PREFIX/rv} holds the store's resourceVersion counter, and {@code PREFIX/objects/KIND/SESSION/NAME}
 * one object as JSON ({@code _} stands for "no session", a character names and sessions cannot hold).
 */
final class EtcdKeys {

    private static final String NO_SESSION = "_";

    private final String prefix;
    private final ByteSequence root;
    private final ByteSequence counter;
    private final String objects;

    EtcdKeys(String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.prefix = p;
        this.root = bytes(p + "/");
        this.counter = bytes(p + "/rv");
        this.objects = p + "/objects/";
    }

    String prefix() {
        return prefix;
    }

    /** Everything the store owns: the prefix followed by a slash. */
    ByteSequence root() {
        return root;
    }

    ByteSequence counter() {
        return counter;
    }

    boolean isCounter(ByteSequence key) {
        return counter.equals(key);
    }

    ByteSequence of(ObjectKey key) {
        return bytes(objects + key.kind().name() + "/" + (key.session() == null ? NO_SESSION : key.session()) + "/" + key.name());
    }

    /** The object key a stored key names, or null for a key that is not an object's. */
    ObjectKey parse(ByteSequence key) {
        String s = key.toString(StandardCharsets.UTF_8);
        if (!s.startsWith(objects)) {
            return null;
        }
        String[] parts = s.substring(objects.length()).split("/", 3);
        if (parts.length != 3) {
            return null;
        }
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return ObjectKey.of(kind, NO_SESSION.equals(parts[1]) ? null : parts[1], parts[2]);
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
