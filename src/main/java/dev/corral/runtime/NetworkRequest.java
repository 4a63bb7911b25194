package dev.corral.runtime;

import java.util.Map;

/** A bridge network to create; {@code subnet} in CIDR form, or null to let Docker choose. */
public record NetworkRequest(String name, boolean internal, String subnet, Map<String, String> labels) {
}
