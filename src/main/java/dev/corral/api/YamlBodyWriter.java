package dev.corral.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.spec.YamlSupport;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Writes any response as YAML when the client asks for it. A {@link SpecList} becomes a
 * multi-document stream, so {@code GET /specs} output can be applied again with {@code PUT /specs}.
 */
@Provider
@Produces({MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
public class YamlBodyWriter implements MessageBodyWriter<Object> {

    @Inject
    ObjectMapper mapper;

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return true;
    }

    @Override
    public void writeTo(Object entity, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException, WebApplicationException {
        java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        if (entity instanceof SpecList list) {
            // One document at a time, as it is sent: a listing of the whole store costs the memory of one
            // object, not of all of them in YAML form (four concurrent listings of 50 000 objects rendered
            // whole exhausted a 512 MiB heap). Every stored object renders (the store holds only what it
            // can write back, JsonLimits); should one fail anyway, the exception aborts the chunked
            // response without its last chunk, which clients report as an incomplete transfer, never as
            // a complete 200.
            Iterator<Object> docs = list.items().stream().map(o -> mapper.convertValue(o, Object.class)).iterator();
            YamlSupport.dumper().dumpAll(docs, w);
        } else {
            YamlSupport.dumper().dump(mapper.convertValue(entity, Object.class), w);
        }
        w.flush();
    }
}
