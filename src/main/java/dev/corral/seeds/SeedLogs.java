package dev.corral.seeds;

import dev.corral.runtime.LogLine;
import dev.corral.spec.SpecObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A log read to its end, as the seeds answer it: the text, and the lines with their stream and time. */
final class SeedLogs {

    private SeedLogs() {
    }

    static Map<String, Object> reply(String id, SpecObject o, List<LogLine> lines) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("container_id", o.status() == null ? null : o.status().path("containerId").asText(null));
        m.put("logs", lines.stream().map(LogLine::text).collect(Collectors.joining("\n")));
        m.put("stdout", only(lines, "stdout"));
        m.put("stderr", only(lines, "stderr"));
        m.put("lines", lines.stream().map(l -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("stream", l.stream());
            line.put("time", l.time() == null ? null : l.time().toString());
            line.put("line", l.text());
            return line;
        }).toList());
        return m;
    }

    private static String only(List<LogLine> lines, String stream) {
        return lines.stream().filter(l -> stream.equals(l.stream())).map(LogLine::text).collect(Collectors.joining("\n"));
    }
}
