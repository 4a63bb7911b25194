package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;

import java.util.LinkedHashMap;
import java.util.Map;

/** A ToolRun as Cortex-Prime's tool execution reply (snake_case): its id, outcome, output, result and usage. */
final class CortexExecution {

    /** The tool name the client gave, kept on its run. */
    static final String TOOL_ANNOTATION = "corral.dev/seed-tool";

    private CortexExecution() {
    }

    static Map<String, Object> of(SpecObject run) {
        JsonNode s = run.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_id", run.metadata().name());
        m.put("tool_name", run.metadata().annotations().getOrDefault(TOOL_ANNOTATION, run.spec().path("tool").asText(null)));
        m.put("session_id", run.metadata().session() == null ? null
                : run.metadata().annotations().getOrDefault(SeedNames.SESSION_ANNOTATION, run.metadata().session()));
        m.put("status", status(RunPhase.ofStatus(s)));
        m.put("exit_code", s == null || !s.hasNonNull("exitCode") ? null : s.get("exitCode").asLong());
        m.put("stdout", s == null ? "" : s.path("stdout").asText(""));
        m.put("stderr", s == null ? "" : s.path("stderr").asText(""));
        m.put("result", s == null ? null : s.get("result"));
        Long ms = s == null || !s.hasNonNull("durationMs") ? null : s.get("durationMs").asLong();
        m.put("duration_ms", ms);
        m.put("execution_time", ms == null ? null : ms / 1000.0);
        m.put("resource_usage", usage(s));
        m.put("container_id", s == null ? null : s.path("containerId").asText(null));
        m.put("cleanup", !run.spec().path("keepContainer").asBoolean(false));
        m.put("started_at", s == null ? null : s.path("startedAt").asText(null));
        m.put("finished_at", s == null ? null : s.path("finishedAt").asText(null));
        m.put("error", s == null ? null : s.path("message").asText(null));
        return m;
    }

    /** Cortex-Prime's words for a run's phase. */
    static String status(RunPhase p) {
        if (p == null) {
            return "pending";
        }
        return switch (p) {
            case PENDING -> "pending";
            case RUNNING -> "running";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
            case TIMED_OUT -> "timeout";
            case CANCELLED -> "cancelled";
            case OOM_KILLED -> "oom_killed";
        };
    }

    private static Map<String, Object> usage(JsonNode s) {
        JsonNode r = s == null ? null : s.get("resources");
        if (r == null || r.isNull()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_seconds", r.hasNonNull("cpuSeconds") ? r.get("cpuSeconds").asDouble() : null);
        Long peak = r.hasNonNull("memoryPeakBytes") ? r.get("memoryPeakBytes").asLong() : null;
        m.put("memory_peak_bytes", peak);
        m.put("memory_peak_mb", peak == null ? null : Math.round(peak / 1048576.0 * 10) / 10.0);
        return m;
    }
}
