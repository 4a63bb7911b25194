package dev.corral.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ResourceSpecs;

import java.util.List;
import java.util.Map;

/**
 * Fields of the Swarm API (1.41, Docker 20.10) that docker-java 3.7's model leaves out: the container's
 * init, dropped capabilities and ulimits, and the pids limit. Subclasses, because
 * Jackson writes a value by its runtime class: the engine gets the extra fields, docker-java is unchanged.
 */
final class SwarmModel {

    private SwarmModel() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class Container extends ContainerSpec {
        @JsonProperty("Init")
        Boolean init;
        @JsonProperty("CapabilityDrop")
        List<String> capabilityDrop;
        @JsonProperty("Ulimits")
        List<Map<String, Object>> ulimits;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    static final class Limits extends ResourceSpecs {
        @JsonProperty("Pids")
        Long pids;
    }
}
