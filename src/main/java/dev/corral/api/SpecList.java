package dev.corral.api;

import dev.corral.spec.SpecObject;

import java.util.List;

/** A list of objects: {@code {"items": [...]}} in JSON, a multi-document stream in YAML. */
public record SpecList(List<SpecObject> items) {
}
