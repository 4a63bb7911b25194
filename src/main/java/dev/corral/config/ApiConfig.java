package dev.corral.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The API's settings ({@code corral.api.*}). */
public interface ApiConfig {

    /** Largest request body accepted (and specs file read); larger ones get 413. */
    @WithDefault("4194304")
    long maxBodyBytes();

    /**
     * Streams and waits open at once (followed logs, {@code ?wait=true}, {@code /execute}); past it 429.
     * None of them holds a request thread; each followed log holds one engine connection.
     */
    @WithDefault("256")
    int maxStreams();

    /** Streams and waits open at once from one client address; past it 429. */
    @WithDefault("32")
    int maxStreamsPerClient();

    /**
     * Request bytes parsed, validated and applied at once: a body waits while this many are in
     * process (bounds memory; a body costs tens of times its size until it is stored).
     */
    @WithDefault("4194304")
    long maxParsingBytes();

    /**
     * How long a body may wait for the parsing budget before it is refused with 429 and
     * {@code Retry-After}: a queue of large bodies must not leave clients hanging.
     */
    @WithDefault("5s")
    Duration maxParsingWait();
}
