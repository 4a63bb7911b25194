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
import java.util.ArrayList;
import java.util.List;

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
        // Rendered whole before the first byte is sent: a document that fails to render must fail the
        // request, never end a 200 listing early.
        java.io.StringWriter w = new java.io.StringWriter();
        if (entity instanceof SpecList list) {
            List<Object> docs = new ArrayList<>(list.items().size());
            list.items().forEach(o -> docs.add(mapper.convertValue(o, Object.class)));
            YamlSupport.dumper().dumpAll(docs.iterator(), w);
        } else {
            YamlSupport.dumper().dump(mapper.convertValue(entity, Object.class), w);
        }
        out.write(w.toString().getBytes(StandardCharsets.UTF_8));
    }
}
