package dev.corral.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import org.jboss.logging.Logger;

import java.io.IOException;

/** An object as the etcd store keeps it: the same JSON as a line of the file store's snapshot. */
final class EtcdValues {

    private static final Logger LOG = Logger.getLogger(EtcdValues.class);
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

    /** The object a key holds, or null (logged) for a value under the prefix that is not one. */
    static SpecObject decode(KeyValue kv) {
        try {
            return READER.readValue(kv.getValue().getBytes());
        } catch (IOException | RuntimeException e) {
            LOG.errorf("etcd key %s does not hold a Corral object, ignored: %s", kv.getKey(), e.getMessage());
            return null;
        }
    }
}
