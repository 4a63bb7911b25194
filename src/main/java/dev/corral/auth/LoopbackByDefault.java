package dev.corral.auth;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Safe by default: without {@code corral.auth.tokens-file}, the HTTP server binds 127.0.0.1
 * unless {@code quarkus.http.host} was set on purpose. Anything that can start containers is
 * root-equivalent on its host, so an unauthenticated Corral must not be reachable from the
 * network by accident. (Quarkus's own default, 0.0.0.0, is what is replaced; an explicit setting
 * is kept and then checked by {@link BindGuard}.)
 */
@Priority(Priorities.APPLICATION)
public class LoopbackByDefault implements ConfigSourceInterceptor {

    static final String HOST = "quarkus.http.host";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!HOST.equals(name) || explicit(value)) {
            return value;
        }
        ConfigValue tokens = context.proceed("corral.auth.tokens-file");
        if (tokens != null && tokens.getValue() != null && !tokens.getValue().isBlank()) {
            return value;
        }
        ConfigValue loopback = ConfigValue.builder().withName(HOST).withValue("127.0.0.1")
                .withConfigSourceName("corral: no tokens file, loopback only").withConfigSourceOrdinal(0).build();
        return loopback;
    }

    /** Set by the user (a property, the environment, a config file), not a built-in default (those have the lowest ordinals). */
    static boolean explicit(ConfigValue v) {
        return v != null && v.getValue() != null && v.getConfigSourceOrdinal() > Integer.MIN_VALUE + 1000;
    }
}
