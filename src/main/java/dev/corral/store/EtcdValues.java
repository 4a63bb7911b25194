package dev.corral.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import java.io.IOException;

/** An object as the etcd store keeps it: the same JSON as a line of the file store's snapshot. */
final class EtcdValues {

    private static final ObjectReader READER = Json.STORE.readerFor(SpecObject.class);

    private EtcdValues() {
    }

    static ByteSequence encode(SpecObject o) {
        try {
            return ByteSequence.from(Json.MAPPER.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode " + o.key() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The object an object's key holds. @throws StoreException naming the key if it holds something else */
    static SpecObject decode(KeyValue kv) {
        try {
            return READER.readValue(kv.getValue().getBytes());
        } catch (IOException | RuntimeException e) {
            throw new StoreException("etcd key " + kv.getKey() + " does not hold a Corral object: " + e.getMessage()
                    + ". Remove or restore it (etcdctl); it was not written by Corral", e);
        }
    }
}
